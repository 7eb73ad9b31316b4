import TACEModel

public struct ALBIResult: Sendable, Equatable {
    /// The score that was graded: rounded if `albi.roundTo` is set, else the full-precision value.
    public var score: Double
    /// 1...3
    public var grade: Int
    public var bilirubinUmolPerL: Double
    public var albuminGPerL: Double
    /// The score before any configured rounding (equal to `score` when rounding is `none`).
    public var unroundedScore: Double

    public init(score: Double, grade: Int, bilirubinUmolPerL: Double, albuminGPerL: Double, unroundedScore: Double? = nil) {
        self.score = score
        self.grade = grade
        self.bilirubinUmolPerL = bilirubinUmolPerL
        self.albuminGPerL = albuminGPerL
        self.unroundedScore = unroundedScore ?? score
    }
}

/// ALBI (albumin-bilirubin) score and grade, clinical reference §1:
/// `ALBI = 0.66 × log10(bilirubin µmol/L) + c × albumin g/L`, c = `albi.albuminCoefficient` (default −0.085).
public enum ALBI {
    /// Bilirubin coefficient (Johnson 2015 as quoted, §1).
    public static let bilirubinCoefficient = 0.66
    /// Grade 1 if ALBI ≤ −2.60 (§1, Hiraoka 2017).
    public static let grade1UpperBound = -2.60
    /// Grade 2 if −2.60 < ALBI ≤ −1.39; grade 3 above (§1).
    public static let grade2UpperBound = -1.39

    /// `nil` if bilirubin ≤ 0 or either input is not finite (log10 undefined).
    public static func score(bilirubinUmolPerL: Double, albuminGPerL: Double, configuration: ScoringConfiguration) -> ALBIResult? {
        guard bilirubinUmolPerL.isFinite, bilirubinUmolPerL > 0, albuminGPerL.isFinite else { return nil }
        let raw = rawScore(bilirubinUmolPerL: bilirubinUmolPerL, albuminGPerL: albuminGPerL, configuration: configuration)
        let graded = round(raw, configuration.albiRounding)
        return ALBIResult(score: graded, grade: grade(for: graded), bilirubinUmolPerL: bilirubinUmolPerL,
                          albuminGPerL: albuminGPerL, unroundedScore: raw)
    }

    /// ≤ −2.60 → 1; ≤ −1.39 → 2; else 3. The score is graded as given (rounding, if configured, happens in `score`).
    public static func grade(for score: Double) -> Int {
        if score <= grade1UpperBound { return 1 }
        if score <= grade2UpperBound { return 2 }
        return 3
    }

    static func rawScore(bilirubinUmolPerL b: Double, albuminGPerL a: Double, configuration: ScoringConfiguration) -> Double {
        bilirubinCoefficient * PureMath.log10(b) + configuration.albiAlbuminCoefficient * a
    }

    static func round(_ x: Double, _ rounding: ALBIRounding) -> Double {
        switch rounding {
        case .none: return x
        case .twoDecimals:
            guard x.isFinite else { return x }
            return (x * 100).rounded(.toNearestOrAwayFromZero) / 100
        }
    }

    /// Grade bands as a step scale (points = grade).
    static let gradeScale = StepScale([
        .init(upper: grade1UpperBound, upperInclusive: true, points: 1),
        .init(upper: grade2UpperBound, upperInclusive: true, points: 2),
        .init(upper: .infinity, upperInclusive: true, points: 3),
    ])

    /// The set of ALBI scores possible when bilirubin and albumin are only known to lie in
    /// intervals (censored results). ALBI increases with bilirubin and decreases with albumin;
    /// bilirubin is restricted to > 0 and albumin to ≥ 0. With rounding configured the result
    /// is widened to closed rounded ends (a superset, so "determined" stays sound).
    /// `nil` when no positive bilirubin is possible.
    public static func scoreInterval(bilirubin: ValueInterval, albumin: ValueInterval, configuration: ScoringConfiguration) -> ValueInterval? {
        var bili = bilirubin
        if bili.upper < 0 || (bili.upper == 0) { return nil }
        if bili.lower <= 0 { bili.lower = 0; bili.lowerClosed = false }
        var alb = albumin
        if alb.upper < 0 { return nil }
        if alb.lower < 0 { alb.lower = 0; alb.lowerClosed = true }
        let c = configuration.albiAlbuminCoefficient
        func f(_ b: Double, _ a: Double) -> Double {
            let l = b == 0 ? -Double.infinity : (b == .infinity ? .infinity : PureMath.log10(b))
            let t = a == .infinity ? (c < 0 ? -Double.infinity : (c > 0 ? .infinity : 0)) : c * a
            return bilirubinCoefficient * l + t
        }
        // With c < 0 (the only sign `set` accepts) the minimum is at (low bilirubin, high albumin).
        let (albAtMin, albAtMinClosed, albAtMax, albAtMaxClosed) = c <= 0
            ? (alb.upper, alb.upperClosed, alb.lower, alb.lowerClosed)
            : (alb.lower, alb.lowerClosed, alb.upper, alb.upperClosed)
        var result = ValueInterval(lower: f(bili.lower, albAtMin), lowerClosed: bili.lowerClosed && albAtMinClosed,
                                   upper: f(bili.upper, albAtMax), upperClosed: bili.upperClosed && albAtMaxClosed)
        if configuration.albiRounding != .none {
            result = ValueInterval(lower: round(result.lower, configuration.albiRounding), lowerClosed: result.lower.isFinite,
                                   upper: round(result.upper, configuration.albiRounding), upperClosed: result.upper.isFinite)
        }
        return result
    }
}
