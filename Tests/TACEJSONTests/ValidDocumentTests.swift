import Testing
import TACEJSON
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Reading valid documents")
struct ValidDocumentTests {
    @Test func defaultLimitsAreDocumented() {
        let limits = JSONLimits.default
        #expect(limits.maxDepth == 256)
        #expect(limits.maxStringBytes == 64 << 20)
        #expect(limits.maxNumberDigits == 64)
        #expect(JSONLimits() == limits)
    }

    @Test func readsEveryKindOfScalarAsRoot() throws {
        #expect(try parse("\"x\"").root.string == "x")
        #expect(try parse("12").root.int == 12)
        #expect(try parse("true").root.bool == true)
        #expect(try parse("false").root.bool == false)
        #expect(try parse("null").root.isNull)
        #expect(try parse(" \t\r\n null \n").root.kind == .null)
        #expect(try parse("{}").root.kind == .object)
        #expect(try parse("[]").root.kind == .array)
    }

    @Test func scalarAccessorsReturnNilForOtherKinds() throws {
        let root = try parse(#"{"s": "1", "n": 1, "b": true, "z": null, "a": [1]}"#).root
        #expect(root.string == nil && root.double == nil && root.bool == nil && !root.isNull)
        #expect(root["s"]?.int == nil && root["s"]?.double == nil && root["s"]?.numberText == nil)
        #expect(root["n"]?.string == nil && root["n"]?.stringEquals("1") == false)
        #expect(root["b"]?.isNull == false && root["z"]?.bool == nil)
        #expect(root["a"]?["x"] == nil && root[0] == nil && root["s"]?[0] == nil)
        #expect(root["s"]?.count == 0 && root["s"]?.elements.isEmpty == true && root["s"]?.members.isEmpty == true)
    }

    @Test func navigatesRealisticObservation() throws {
        let doc = try JSONDocument.parse(sampleBytes)
        let root = doc.root
        #expect(root.kind == .object)
        #expect(root["resourceType"]?.stringEquals("Observation") == true)
        #expect(root["status"]?.string == "final")
        #expect(root["code"]?["coding"]?[0]?["code"]?.string == "1834-1")
        #expect(root["category"]?[0]?["coding"]?[0]?["system"]?.string
            == "http://terminology.hl7.org/CodeSystem/observation-category")
        #expect(root["subject"]?["display"]?.string == "Müller, Jürgen")
        #expect(root["valueQuantity"]?["unit"]?.stringEquals("µg/L") == true)
        #expect(root["interpretation"]?.count == 0)
        #expect(root["extension"]?.isNull == true)
        #expect(root["missing"] == nil)
        #expect(root.count == 14)
        #expect(doc.endOffset == sampleBytes.count)
    }

    @Test func decodesEveryEscape() throws {
        let root = try parse(#"["\"\\\/\b\f\n\r\t", "\u0041\u00e9\u20AC\u0000", "\uD83D\uDE00", "http:\/\/loinc.org"]"#).root
        #expect(root[0]?.string == "\"\\/\u{8}\u{C}\n\r\t")
        #expect(root[1]?.string == "Aé€\u{0}")
        #expect(root[2]?.string == "😀")
        #expect(root[3]?.string == "http://loinc.org")
        #expect(root[3]?.stringEquals("http://loinc.org") == true)
        #expect(root[3]?.stringEquals("http:\\/\\/loinc.org") == false)
        #expect(root[2]?.stringEquals("😀") == true)
    }

    @Test func decodesSurrogatePairInObservationText() throws {
        let root = try JSONDocument.parse(sampleBytes).root
        #expect(root["code"]?["text"]?.string == "AFP élévation 😀")
        #expect(root["note"]?[0]?["text"]?.string == "line one\nline two\t\"quoted\"")
    }

    @Test func findsKeysThatAreWrittenWithEscapes() throws {
        let root = try parse(#"{"a\u0062c": 1, "x\/y": 2, "t\u00e9l": 3, "q\"": 4, "\uD83D\uDE00": 5}"#).root
        #expect(root["abc"]?.int == 1)
        #expect(root["x/y"]?.int == 2)
        #expect(root["tél"]?.int == 3)
        #expect(root["q\""]?.int == 4)
        #expect(root["😀"]?.int == 5)
        #expect(root["ab"] == nil && root["abcd"] == nil && root["x\\/y"] == nil)
        #expect(root.members.map(\.key) == ["abc", "x/y", "tél", "q\"", "😀"])
    }

    @Test func duplicateKeysAreKeptAndLookupFindsTheFirst() throws {
        let root = try parse(#"{"a": 1, "b": 2, "a": 3}"#).root
        #expect(root["a"]?.int == 1)
        #expect(root.count == 3)
        #expect(root.members.map(\.key) == ["a", "b", "a"])
        #expect(root.members.map { $0.value.int } == [1, 2, 3])
    }

    @Test func emptyKeyAndEmptyStringWork() throws {
        let root = try parse(#"{"": ""}"#).root
        #expect(root[""]?.string == "")
        #expect(root[""]?.stringEquals("") == true)
        #expect(root[""]?.stringEquals("a") == false)
    }

    @Test func iteratesElementsAndMembersInOrderSkippingSubtrees() throws {
        let root = try parse(#"[{"a": [1, [2, 3]], "b": {"c": {}}}, [], "s", 4]"#).root
        #expect(root.count == 4)
        #expect(root.elements.map(\.kind) == [.object, .array, .string, .number])
        #expect(root[3]?.int == 4 && root[4] == nil && root[-1] == nil)
        let first = try #require(root[0])
        #expect(first.memberNodes.map { $0.key.string ?? "?" } == ["a", "b"])
        #expect(first.memberNodes.first { $0.key.stringEquals("b") }?.value["c"]?.kind == .object)
        #expect(first["a"]?[1]?[1]?.int == 3)
    }

    @Test func skipsByteOrderMark() throws {
        let doc = try JSONDocument.parse([0xEF, 0xBB, 0xBF] + bytes(#"{"a": 1}"#))
        #expect(doc.root["a"]?.int == 1)
        #expect(doc.root.byteOffset == 3)
    }

    @Test func numberTextKeepsDecimalsAsWritten() throws {
        let root = try JSONDocument.parse(sampleBytes).root
        #expect(root["valueQuantity"]?["value"]?.numberText == "4.10")
        #expect(root["valueQuantity"]?["value"]?.double == 4.1)
        #expect(root["referenceRange"]?[0]?["high"]?["value"]?.numberText == "8.5e0")
        #expect(root["hasMember"]?[2]?.numberText == "1E+3")
        #expect(root["hasMember"]?[2]?.int == 1000)
        #expect(root["hasMember"]?[1]?.double == -2.448)
    }

    @Test func valuesReportWhereTheyStart() throws {
        let text = "{\n  \"a\": [true, \"x\"]\n}"
        let doc = try parse(text)
        let array = try #require(doc.root["a"])
        #expect(array.byteOffset == 9)
        #expect(array.byteEndOffset == 20)
        #expect(array[1]?.byteOffset == 16)
        #expect(doc.lineColumn(ofByteOffset: array[1]?.byteOffset ?? 0) == (2, 15))
        #expect(doc.lineColumn(ofByteOffset: 0) == (1, 1))
    }

    @Test func allowTrailingStopsAfterTheValueForNDJSON() throws {
        let ndjson = bytes("{\"n\": 1}\n{\"n\": 2}\n\n{\"n\": 3}\n")
        var values: [Int] = []
        var rest = ndjson[...]
        while rest.contains(where: { $0 != 0x0A }) {
            let doc = try JSONDocument.parse(Array(rest), allowTrailing: true)
            values.append(doc.root["n"]?.int ?? -1)
            rest = rest.dropFirst(doc.endOffset)
        }
        #expect(values == [1, 2, 3])
        let doc = try JSONDocument.parse(bytes("[1] x"), allowTrailing: true)
        #expect(doc.endOffset == 3)
    }

    @Test func parsesFromRawBufferAndKeepsValuesAfterTheBufferIsGone() throws {
        var doc: JSONDocument?
        do {
            var scratch = sampleBytes
            doc = try scratch.withUnsafeMutableBytes { raw throws(JSONParseError) in
                let parsed = try JSONDocument.parse(UnsafeRawBufferPointer(raw))
                raw.initializeMemory(as: UInt8.self, repeating: 0x20)
                return parsed
            }
        }
        #expect(doc?.root["status"]?.string == "final")
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        #expect(throws: JSONParseError.self) { try JSONDocument.parse(empty) }
    }

    @Test func valuesOutliveTheirDocument() throws {
        let value: JSONValue? = try {
            let doc = try JSONDocument.parse(sampleBytes)
            return doc.root["code"]?["coding"]
        }()
        #expect(value?[0]?["display"]?.string == "Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma")
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth = 256
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var v = try parse(text).root
        for _ in 1 ..< depth { v = try #require(v[0]) }
        #expect(v.count == 0)
        let shallow = JSONLimits(maxDepth: 3)
        #expect(try parse("[[[]]]", limits: shallow).root.count == 1)
    }

    @Test func validUTF8BoundaryScalarsAreAccepted() throws {
        // U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF
        let scalars: [[UInt8]] = [[0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
                                  [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        for s in scalars {
            let doc = try JSONDocument.parse([0x22] + s + [0x22])
            #expect(Array((doc.root.string ?? "").utf8) == s)
        }
    }

    /// Takes ~12 s in a debug build, so it only runs with TACEJSON_SLOW_TESTS=1.
    @Test(.enabled(if: getenv("TACEJSON_SLOW_TESTS") != nil))
    func countsLargeArraysBeyondTheStoredCountWidth() throws {
        // Counts are stored in 24 bits; larger containers are counted by walking.
        let n = (1 << 24) + 3
        let input = Array(("[" + String(repeating: "0,", count: n - 1) + "0]").utf8)
        let root = try JSONDocument.parse(input).root
        #expect(root.count == n)
        #expect(root.elements.count == n)
    }
}
