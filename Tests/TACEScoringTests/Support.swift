import TACEModel
@testable import TACEScoring

/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator so property tests are reproducible.
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
    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
    }
    /// Log-uniform in [lo, hi): spreads values over orders of magnitude like real AFP/GGT.
    mutating func logUniform(_ lo: Double, _ hi: Double) -> Double {
        let l = PureMath.ln(lo), h = PureMath.ln(hi)
        return PureMath.exp(uniform(l, h))
    }
}

enum T {
    static let patient = PatientIdentity(reference: "Patient/test")
    /// 2025-01-10T09:30:00Z
    static let index = ClinicalTime(year: 2025, month: 1, day: 10, hour: 9, minute: 30, utcOffsetSeconds: 0)
    static let indexDate = IndexDate(time: index, source: .asOf)

    static func before(days: Double, seconds: Double = 0) -> ClinicalTime {
        ClinicalTime(epochSeconds: index.epochSeconds - days * 86_400 - seconds, utcOffsetSeconds: 0, precision: .second)
    }

    static func obs(_ concept: Concept, _ value: ObservationValue, at time: ClinicalTime? = T.before(days: 2),
                    status: ObservationStatus = .final, key: String = "") -> TypedObservation {
        TypedObservation(patient: patient, concept: concept, value: value, effective: time, status: status,
                         original: OriginalCoding(system: nil, code: concept.rawValue),
                         source: SourceProvenance(file: "test", format: .fhirJSON, resourceReference: nil,
                                                  location: "$", recordKey: concept.rawValue + "-" + key))
    }

    static func q(_ concept: Concept, _ v: Double, _ comparator: Comparator = .equal, at time: ClinicalTime? = T.before(days: 2),
                  status: ObservationStatus = .final, key: String = "") -> TypedObservation {
        obs(concept, .quantity(Measurement(v, concept.canonicalUnit!, comparator: comparator)), at: time, status: status, key: key)
    }

    static func coded(_ concept: Concept, _ code: String, at time: ClinicalTime? = T.before(days: 2),
                      status: ObservationStatus = .final) -> TypedObservation {
        obs(concept, .coded(code), at: time, status: status)
    }

    /// A complete p-TACE input set.
    static func patientInputs(type: Int, bilirubin: Double, albumin: Double, afp: Double, ggt: Double, size: Double)
        -> [TypedObservation] {
        [
            coded(.vascularizationPattern, "type-\(type)", at: before(days: 5)),
            q(.bilirubinTotal, bilirubin),
            q(.albumin, albumin),
            q(.afp, afp),
            q(.ggt, ggt),
            q(.largestTumorDiameter, size, at: before(days: 5)),
        ]
    }

    /// Bilirubin/albumin pairs whose ALBI grade is 1, 2 and 3 (checked in ALBITests).
    static let albiGrade1 = (bilirubin: 10.0, albumin: 45.0)   // −3.1650
    static let albiGrade2 = (bilirubin: 20.0, albumin: 35.0)   // −2.1163
    static let albiGrade3 = (bilirubin: 51.3, albumin: 25.0)   // −0.9963
}

func close(_ a: Double, _ b: Double, _ tol: Double) -> Bool { abs(a - b) <= tol }
