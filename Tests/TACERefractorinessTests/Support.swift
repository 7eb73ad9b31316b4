import TACEModel
@testable import TACERefractoriness

/// Builds timelines for tests. Days are offsets from `P.origin` (2025-01-10, the first TACE in most tests).
enum P {
    static let patient = PatientIdentity(reference: "Patient/refractory-test")
    static let origin = ClinicalDay(year: 2025, month: 1, day: 10)

    static func day(_ n: Int) -> ClinicalDay { origin.adding(days: n) }

    static func obs(_ concept: Concept, _ value: ObservationValue, _ n: Int, key: String = "",
                    status: ObservationStatus = .final, type: String = "Observation") -> TypedObservation {
        let id = "\(concept.rawValue)-d\(n)\(key.isEmpty ? "" : "-" + key)"
        return TypedObservation(patient: patient, concept: concept, value: value, effective: day(n).clinicalTime, status: status,
                                original: OriginalCoding(system: nil, code: concept.rawValue),
                                source: SourceProvenance(file: "test", format: .fhirJSON, resourceReference: "\(type)/\(id)",
                                                         location: "$", recordKey: id))
    }

    static func quantity(_ concept: Concept, _ v: Double, _ n: Int, comparator: Comparator = .equal, key: String = "") -> TypedObservation {
        obs(concept, .quantity(Measurement(v, concept.canonicalUnit!, comparator: comparator)), n, key: key)
    }

    static func coded(_ concept: Concept, _ code: String, _ n: Int, key: String = "") -> TypedObservation {
        obs(concept, .coded(code), n, key: key)
    }

    /// A TACE session with optional attributes recorded on its day.
    static func tace(_ n: Int, selectivity: String? = nil, adequacy: String? = nil, agentChanged: String? = nil,
                     reanalysed: String? = nil, intent: String? = nil) -> [TypedObservation] {
        var out = [obs(.tace, .event, n, type: "Procedure")]
        if let selectivity { out.append(coded(.taceSelectivity, selectivity, n)) }
        if let adequacy { out.append(coded(.taceAdequacy, adequacy, n)) }
        if let agentChanged { out.append(coded(.taceAgentChanged, agentChanged, n)) }
        if let reanalysed { out.append(coded(.taceFeedingArteryReanalysed, reanalysed, n)) }
        if let intent { out.append(coded(.treatmentIntent, intent, n)) }
        return out
    }

    static func viable(_ percent: Double, _ n: Int, comparator: Comparator = .equal, key: String = "") -> TypedObservation {
        quantity(.viableTumorPercent, percent, n, comparator: comparator, key: key)
    }
    static func target(_ category: String, _ n: Int, key: String = "") -> TypedObservation { coded(.mrecistTargetResponse, category, n, key: key) }
    static func overall(_ category: String, _ n: Int) -> TypedObservation { coded(.mrecistResponse, category, n) }
    static func count(_ k: Double, _ n: Int) -> TypedObservation { quantity(.tumorCount, k, n) }
    static func newLesions(_ k: Double, _ n: Int) -> TypedObservation { quantity(.newIntrahepaticLesions, k, n) }
    static func vp(_ grade: Int, _ n: Int) -> TypedObservation { coded(.portalVeinInvasion, "Vp\(grade)", n) }
    static func vv(_ grade: Int, _ n: Int) -> TypedObservation { coded(.hepaticVeinInvasion, "Vv\(grade)", n) }
    static func ehs(_ present: Bool, _ n: Int) -> TypedObservation { coded(.extrahepaticSpread, present ? "present" : "absent", n) }
    static func afp(_ v: Double, _ n: Int, comparator: Comparator = .equal) -> TypedObservation { quantity(.afp, v, n, comparator: comparator) }
    static func dcp(_ v: Double, _ n: Int) -> TypedObservation { quantity(.dcp, v, n) }
    static func other(_ concept: Concept, _ n: Int) -> TypedObservation { obs(concept, .event, n, type: "Procedure") }

    /// Child-Pugh inputs on day `n`: 5 points with the defaults; albumin 30 g/L gives +1, 25 g/L gives +2.
    static func liver(_ n: Int, albumin: Double = 40, bilirubin: Double = 15, inr: Double = 1.1,
                      ascites: String = "absent", encephalopathy: String = "none") -> [TypedObservation] {
        [quantity(.albumin, albumin, n), quantity(.bilirubinTotal, bilirubin, n), quantity(.inr, inr, n),
         coded(.ascites, ascites, n), coded(.encephalopathy, encephalopathy, n)]
    }

    static func timeline(_ parts: [TypedObservation]...) -> PatientTimeline {
        PatientTimeline(observations: parts.flatMap { $0 })
    }

    /// Two sessions 0 and `gap` days apart, each evaluated `after` days later with the given viable percents.
    static func twoSessions(viable first: Double, _ second: Double, after: Int = 30, gap: Int = 60) -> [TypedObservation] {
        tace(0) + [viable(first, after)] + tace(gap) + [viable(second, gap + after)]
    }
}

extension RefractorinessConfiguration {
    func with(_ name: String, _ value: String) -> RefractorinessConfiguration {
        var c = self
        do { try c.set(name, to: value) } catch { fatalError("test configuration \(name)=\(value): \(error)") }
        return c
    }
}

func verdict(_ d: RefractorinessDefinition, _ t: PatientTimeline, on n: Int, _ c: RefractorinessConfiguration = .init())
    -> RefractorinessVerdict {
    Refractoriness.evaluate(d, timeline: t, on: P.day(n), configuration: c)
}

func clause(_ v: RefractorinessVerdict, _ prefix: String) -> ClauseResult? {
    v.clauses.first { $0.code.hasPrefix(prefix) }
}

/// SplitMix64 (Steele, Lea, Flood 2014): seeded generator so property tests are reproducible.
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
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}
