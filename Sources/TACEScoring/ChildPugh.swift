import TACEModel

public struct ChildPughResult: Sendable, Equatable {
    public var points: Int
    /// "A" (5–6), "B" (7–9), "C" (10–15).
    public var childClass: String
    public var bilirubinPoints, albuminPoints, coagulationPoints, ascitesPoints, encephalopathyPoints: Int

    public init(bilirubinPoints: Int, albuminPoints: Int, coagulationPoints: Int, ascitesPoints: Int, encephalopathyPoints: Int) {
        self.bilirubinPoints = bilirubinPoints
        self.albuminPoints = albuminPoints
        self.coagulationPoints = coagulationPoints
        self.ascitesPoints = ascitesPoints
        self.encephalopathyPoints = encephalopathyPoints
        points = bilirubinPoints + albuminPoints + coagulationPoints + ascitesPoints + encephalopathyPoints
        childClass = ChildPugh.childClass(points: points)
    }
}

/// Child-Pugh score, clinical reference §2.
///
/// The table's canonical units are mg/dL (bilirubin) and g/dL (albumin). The cut-offs are
/// converted once into the model's canonical units with the same factors the readers use
/// (17.104 µmol/L per mg/dL, 10 g/L per g/dL), so `x_µmol/L ≥ 2 × 17.104` is the same
/// predicate as `x_mg/dL ≥ 2` — and a result reported as exactly 3.0 mg/dL, converted
/// ×17.104 at the parse boundary, lands exactly on the cut-off instead of one ulp past it
/// (dividing back by 17.104 would not round-trip for ~4 % of values).
public enum ChildPugh {
    /// µmol/L per mg/dL of bilirubin (MW 584.66 g/mol, §1/§8.4).
    public static let bilirubinUmolPerLPerMgDl = 17.104
    /// g/L per g/dL.
    public static let gPerLPerGPerDl = 10.0

    static func bilirubinScale(_ cutoffs: ChildPughSICutoffs) -> StepScale {
        switch cutoffs {
        case .exactFromMgDl:
            // < 2 mg/dL → 1; 2 ≤ x ≤ 3 → 2; > 3 → 3.
            return StepScale([
                .init(upper: 2 * bilirubinUmolPerLPerMgDl, upperInclusive: false, points: 1),
                .init(upper: 3 * bilirubinUmolPerLPerMgDl, upperInclusive: true, points: 2),
                .init(upper: .infinity, upperInclusive: true, points: 3),
            ])
        case .rounded34And50:
            // SI table: < 34 µmol/L → 1; 34–50 → 2; > 50 → 3 (§2 note, §11 #8).
            return StepScale([
                .init(upper: 34, upperInclusive: false, points: 1),
                .init(upper: 50, upperInclusive: true, points: 2),
                .init(upper: .infinity, upperInclusive: true, points: 3),
            ])
        }
    }

    /// < 2.8 g/dL → 3; 2.8 ≤ x ≤ 3.5 → 2; > 3.5 → 1.
    static let albuminScale = StepScale([
        .init(upper: 2.8 * gPerLPerGPerDl, upperInclusive: false, points: 3),
        .init(upper: 3.5 * gPerLPerGPerDl, upperInclusive: true, points: 2),
        .init(upper: .infinity, upperInclusive: true, points: 1),
    ])

    /// INR < 1.7 → 1; 1.7 ≤ x ≤ 2.3 → 2; > 2.3 → 3.
    static let inrScale = StepScale([
        .init(upper: 1.7, upperInclusive: false, points: 1),
        .init(upper: 2.3, upperInclusive: true, points: 2),
        .init(upper: .infinity, upperInclusive: true, points: 3),
    ])

    /// PT prolongation over control < 4 s → 1; 4–6 s → 2; > 6 s → 3.
    static let ptScale = StepScale([
        .init(upper: 4, upperInclusive: false, points: 1),
        .init(upper: 6, upperInclusive: true, points: 2),
        .init(upper: .infinity, upperInclusive: true, points: 3),
    ])

    /// absent → 1, slight → 2, moderate → 3 (canonical codes of `Concept.ascites`).
    public static func ascitesPoints(_ code: String) -> Int? {
        switch code {
        case "absent": return 1
        case "slight": return 2
        case "moderate": return 3
        default: return nil
        }
    }

    /// none → 1, grade-1-2 → 2, grade-3-4 → 3 (canonical codes of `Concept.encephalopathy`).
    public static func encephalopathyPoints(_ code: String) -> Int? {
        switch code {
        case "none": return 1
        case "grade-1-2": return 2
        case "grade-3-4": return 3
        default: return nil
        }
    }

    public static func bilirubinPoints(umolPerL: Double, configuration: ScoringConfiguration) -> Int {
        Int(bilirubinScale(configuration.childPughSIBilirubinCutoffs).points(umolPerL))
    }
    public static func albuminPoints(gPerL: Double) -> Int { Int(albuminScale.points(gPerL)) }
    public static func inrPoints(_ inr: Double) -> Int { Int(inrScale.points(inr)) }
    public static func ptProlongationPoints(seconds: Double) -> Int { Int(ptScale.points(seconds)) }

    /// A 5–6, B 7–9, C 10–15.
    public static func childClass(points: Int) -> String {
        if points <= 6 { return "A" }
        if points <= 9 { return "B" }
        return "C"
    }

    /// `nil` when an input the configuration needs is missing, not finite or negative, or a code
    /// is not canonical. Ascites and encephalopathy are never imputed (§2).
    public static func score(bilirubinUmolPerL: Double, albuminGPerL: Double, inr: Double?, ptProlongationSeconds: Double?,
                             ascites: String, encephalopathy: String, configuration: ScoringConfiguration) -> ChildPughResult? {
        guard bilirubinUmolPerL.isFinite, bilirubinUmolPerL >= 0, albuminGPerL.isFinite, albuminGPerL >= 0,
              let asc = ascitesPoints(ascites), let enc = encephalopathyPoints(encephalopathy) else { return nil }
        let coagulation: Int
        switch configuration.childPughCoagulationInput {
        case .inr:
            guard let v = inr, v.isFinite, v >= 0 else { return nil }
            coagulation = inrPoints(v)
        case .ptProlongationSeconds:
            guard let v = ptProlongationSeconds, v.isFinite else { return nil }
            coagulation = ptProlongationPoints(seconds: v)
        }
        return ChildPughResult(bilirubinPoints: bilirubinPoints(umolPerL: bilirubinUmolPerL, configuration: configuration),
                               albuminPoints: albuminPoints(gPerL: albuminGPerL), coagulationPoints: coagulation,
                               ascitesPoints: asc, encephalopathyPoints: enc)
    }
}
