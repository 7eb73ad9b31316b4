import TACEJSON

/// A realistic FHIR R4 Observation (pretty-printed, several lines), with the
/// features real exports carry: escaped slashes in URLs, non-ASCII text,
/// `\u` escapes including a surrogate pair, decimals whose text matters.
let sampleObservation = #"""
{
  "resourceType": "Observation",
  "id": "afp-2024-001",
  "meta": { "lastUpdated": "2024-03-05T10:15:00+01:00", "versionId": "3" },
  "status": "final",
  "category": [
    {
      "coding": [
        {
          "system": "http:\/\/terminology.hl7.org\/CodeSystem\/observation-category",
          "code": "laboratory",
          "display": "Laboratory"
        }
      ]
    }
  ],
  "code": {
    "coding": [
      { "system": "http://loinc.org", "code": "1834-1", "display": "Alpha-1-Fetoprotein [Mass\/volume] in Serum or Plasma" }
    ],
    "text": "AFP \u00e9l\u00e9vation \uD83D\uDE00"
  },
  "subject": { "reference": "Patient\/p-42", "display": "Müller, Jürgen" },
  "effectiveDateTime": "2024-03-04T08:00:00Z",
  "valueQuantity": { "value": 4.10, "unit": "µg/L", "system": "http://unitsofmeasure.org", "code": "ug/L" },
  "interpretation": [],
  "note": [ { "text": "line one\nline two\t\"quoted\"" } ],
  "referenceRange": [ { "low": { "value": 0 }, "high": { "value": 8.5e0 } } ],
  "extension": null,
  "hasMember": [1, -2.448, 1E+3, true, false, null, {}, [[]]]
}
"""#

let sampleBytes = Array(sampleObservation.utf8)

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

func parse(_ s: String, limits: JSONLimits = .default) throws(JSONParseError) -> JSONDocument {
    try JSONDocument.parse(Array(s.utf8), limits: limits)
}

/// The error thrown by parsing `input`, or nil if it parsed.
func parseError(_ input: [UInt8], limits: JSONLimits = .default) -> JSONParseError? {
    do {
        _ = try JSONDocument.parse(input, limits: limits)
        return nil
    } catch {
        return error
    }
}

func parseError(_ input: String, limits: JSONLimits = .default) -> JSONParseError? {
    parseError(Array(input.utf8), limits: limits)
}

/// Deterministic PRNG (SplitMix64) so fuzz and property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Structural equality of two parsed values (numbers compared by text).
func jsonEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
    guard a.kind == b.kind else { return false }
    switch a.kind {
    case .object:
        let am = Array(a.members), bm = Array(b.members)
        guard am.count == bm.count else { return false }
        for (x, y) in zip(am, bm) where x.key != y.key || !jsonEqual(x.value, y.value) { return false }
        return true
    case .array:
        let ae = Array(a.elements), be = Array(b.elements)
        guard ae.count == be.count else { return false }
        for (x, y) in zip(ae, be) where !jsonEqual(x, y) { return false }
        return true
    case .string: return a.string == b.string
    case .number: return a.numberText == b.numberText
    case .bool: return a.bool == b.bool
    case .null: return true
    }
}

/// Touches every value (decoding strings and numbers) to exercise lazy paths.
func walkAll(_ v: JSONValue) -> Int {
    var visited = 1
    switch v.kind {
    case .object:
        for (k, value) in v.members {
            _ = v[k]
            visited += walkAll(value)
        }
    case .array:
        for e in v.elements { visited += walkAll(e) }
    case .string: _ = v.string
    case .number: _ = (v.double, v.int, v.numberText)
    case .bool, .null: break
    }
    return visited
}
