import TACEModel

/// The five p-TACE factors (clinical reference §3.1–3.2).
public enum PTACEFactor: String, Sendable, CaseIterable {
    case vascularization, albi, afp, ggt, size

    /// Component code of the points in the score Observation (§9.5).
    public var pointsCode: String { "ptace-\(rawValue)-points" }

    /// Every value the factor can contribute (Table 4).
    public var possiblePoints: [Double] {
        switch self {
        case .vascularization: return [0, 5.5]
        case .albi: return [0, 3.5]
        case .afp: return [0, 3, 5]
        case .ggt: return [0, 1, 2, 3.5]
        case .size: return [0, 2]
        }
    }

    /// The concepts the factor is computed from.
    public var concepts: [Concept] {
        switch self {
        case .vascularization: return [.vascularizationPattern]
        case .albi: return [.bilirubinTotal, .albumin]
        case .afp: return [.afp]
        case .ggt: return [.ggt]
        case .size: return [.largestTumorDiameter]
        }
    }

    var displayName: String {
        switch self {
        case .vascularization: return "vascularization"
        case .albi: return "ALBI"
        case .afp: return "AFP"
        case .ggt: return "GGT"
        case .size: return "largest tumor"
        }
    }
}

/// Table 3 logistic-model coefficients of the p-TACE paper (§3.4), for 0/1 indicator coding
/// with the effective intercept supplied separately (`ptace.intercept`).
public enum PTACEModelCoefficients {
    public static let literalTable3Constant = -5.242
    public static let vascularizationType3or4 = 1.327
    public static let albiGrade2or3 = 0.936
    public static let sizeOver5cm = 0.531
    public static let afpGrade2 = 0.783
    public static let afpGrade3 = 1.217
    public static let ggtGrade2 = 0.259
    public static let ggtGrade3 = 0.526
    public static let ggtGrade4 = 0.935
}

/// p-TACE points (Table 4) as exact predicates on canonical values (§3.2).
public enum PTACEPoints {
    /// AFP ng/mL: ≤ 80 → 0; 80 < x ≤ 4000 → 3; > 4000 → 5.
    static let afpScale = StepScale([
        .init(upper: 80, upperInclusive: true, points: 0),
        .init(upper: 4000, upperInclusive: true, points: 3),
        .init(upper: .infinity, upperInclusive: true, points: 5),
    ])
    /// GGT U/L: ≤ 50 → 0; ≤ 75 → 1; ≤ 135 → 2; > 135 → 3.5.
    static let ggtScale = StepScale([
        .init(upper: 50, upperInclusive: true, points: 0),
        .init(upper: 75, upperInclusive: true, points: 1),
        .init(upper: 135, upperInclusive: true, points: 2),
        .init(upper: .infinity, upperInclusive: true, points: 3.5),
    ])
    /// Largest tumor cm: ≤ 5 → 0; > 5 → 2.
    static let sizeScale = StepScale([
        .init(upper: 5, upperInclusive: true, points: 0),
        .init(upper: .infinity, upperInclusive: true, points: 2),
    ])
    /// ALBI score: grade 1 (≤ −2.60) → 0; grades 2–3 → 3.5.
    static let albiScoreScale = StepScale([
        .init(upper: ALBI.grade1UpperBound, upperInclusive: true, points: 0),
        .init(upper: .infinity, upperInclusive: true, points: 3.5),
    ])

    /// "type-1"/"type-2" → 0, "type-3"/"type-4" → 5.5, other → nil.
    public static func vascularization(_ pattern: String) -> Double? {
        switch pattern {
        case "type-1", "type-2": return 0
        case "type-3", "type-4": return 5.5
        default: return nil
        }
    }

    /// Grade 1 → 0; grades 2 and 3 → 3.5 (domain 1...3).
    public static func albi(grade: Int) -> Double { grade >= 2 ? 3.5 : 0 }
    public static func afp(ngPerML: Double) -> Double { afpScale.points(ngPerML) }
    public static func ggt(unitsPerL: Double) -> Double { ggtScale.points(unitsPerL) }
    public static func size(cm: Double) -> Double { sizeScale.points(cm) }

    /// Points reachable for any true value in the interval (censored results). One element ⇒ determined.
    public static func afpReachable(_ interval: ValueInterval) -> [Double] { afpScale.reachable(interval) }
    public static func ggtReachable(_ interval: ValueInterval) -> [Double] { ggtScale.reachable(interval) }
    public static func sizeReachable(_ interval: ValueInterval) -> [Double] { sizeScale.reachable(interval) }

    /// ALBI points and grades reachable from bilirubin/albumin intervals; `nil` if no positive bilirubin is possible.
    public static func albiReachable(bilirubin: ValueInterval, albumin: ValueInterval,
                                     configuration: ScoringConfiguration) -> (points: [Double], grades: [Int], score: ValueInterval)? {
        guard let s = ALBI.scoreInterval(bilirubin: bilirubin, albumin: albumin, configuration: configuration) else { return nil }
        return (albiScoreScale.reachable(s), ALBI.gradeScale.reachable(s).map { Int($0) }, s)
    }

    /// Lower bounds (in points) of risk grades 2…6 (§3.3); each boundary belongs to the higher grade.
    public static let gradeLowerBounds: [Double] = [4, 7, 10, 13, 16]

    /// §3.3: < 4 → 1, [4,7) → 2, [7,10) → 3, [10,13) → 4, [13,16) → 5, ≥ 16 → 6.
    public static func grade(total: Double) -> Int {
        var g = 1
        for b in gradeLowerBounds where total >= b { g += 1 }
        return g
    }

    /// Grade band text for rationales: "<4", "4 to <7", …, ">=16".
    public static func gradeBandText(_ grade: Int) -> String {
        let b = gradeLowerBounds
        switch grade {
        case 1: return "<" + NumberText.decimal(b[0])
        case 2...5: return NumberText.decimal(b[grade - 2]) + " to <" + NumberText.decimal(b[grade - 1])
        default: return ">=" + NumberText.decimal(b[4])
        }
    }

    /// Table 5 training-cohort estimated risk per grade, as a fraction (§3.4/§3.5, §9.4).
    public static let gradeTableProbability: [Int: Double] = [1: 0.134, 2: 0.251, 3: 0.421, 4: 0.611, 5: 0.773, 6: 0.881]

    /// Table 3 model with 0/1 indicators; AFP/GGT grades are derived from their points
    /// (AFP 0/3/5 → grade 1/2/3, GGT 0/1/2/3.5 → grade 1/2/3/4). `intercept` is β0′ (§3.4).
    public static func logisticProbability(vascularizationHigh: Bool, albiGrade: Int, afpPoints: Double, ggtPoints: Double,
                                           sizeOver5: Bool, intercept: Double) -> Double {
        typealias C = PTACEModelCoefficients
        var logit = intercept
        if vascularizationHigh { logit += C.vascularizationType3or4 }
        if albiGrade >= 2 { logit += C.albiGrade2or3 }
        if sizeOver5 { logit += C.sizeOver5cm }
        if afpPoints >= 5 { logit += C.afpGrade3 } else if afpPoints >= 3 { logit += C.afpGrade2 }
        if ggtPoints >= 3.5 { logit += C.ggtGrade4 } else if ggtPoints >= 2 { logit += C.ggtGrade3 } else if ggtPoints >= 1 { logit += C.ggtGrade2 }
        return PureMath.logistic(logit)
    }

    /// Every total the five factors can add up to, ascending (computed by enumeration).
    public static let attainableTotals: [Double] = {
        var totals: Set<Double> = [0]
        for factor in PTACEFactor.allCases {
            var next: Set<Double> = []
            for t in totals { for p in factor.possiblePoints { next.insert(t + p) } }
            totals = next
        }
        return totals.sorted()
    }()

    /// Highest attainable total (19.5).
    public static var maximumTotal: Double { PTACEFactor.allCases.reduce(0) { $0 + ($1.possiblePoints.max() ?? 0) } }
}
