import TACEModel

public enum FactorOutcome: Sendable {
    /// The factor's points are determined. `detail` states the value(s) used, e.g. "AFP 520 ng/mL".
    case scored(points: Double, evidence: [TypedObservation], detail: String)
    /// Missing, stale, unusable or censored-and-ambiguous. `reachable` lists the points still possible
    /// (all of them when nothing is known); `evidence` holds any observation that was used (a censored value).
    case unavailable(reachable: [Double], gaps: [(Concept, SelectionGap)], evidence: [TypedObservation])

    public var points: Double? {
        if case .scored(let p, _, _) = self { return p }
        return nil
    }
    public var reachablePoints: [Double] {
        switch self {
        case .scored(let p, _, _): return [p]
        case .unavailable(let r, _, _): return r
        }
    }
    public var evidence: [TypedObservation] {
        switch self {
        case .scored(_, let e, _), .unavailable(_, _, let e): return e
        }
    }
}

public struct PTACEAssessment: Sendable {
    public var index: IndexDate
    /// Always all five, in `PTACEFactor.allCases` order.
    public var factors: [(factor: PTACEFactor, outcome: FactorOutcome)]
    public var albi: ALBIResult?
    /// `nil` unless all five factors are scored.
    public var total: Double?
    /// `total...total` when complete; otherwise min...max over reachable points (a missing factor spans its full range).
    public var reachableTotal: ClosedRange<Double>
    public var grade: Int?
    public var reachableGrades: ClosedRange<Int>
    /// Fraction 0–1 from the configured source; `nil` if incomplete.
    public var probability: Double?
    /// The logistic-model probability (effective intercept), always computed when complete, for the informational note.
    public var logisticProbability: Double?
    public var qualitativeRisk: QualitativeRisk?
    /// Concepts that were missing, stale, unusable or censored-ambiguous, in factor order.
    public var missingConcepts: [Concept]
    public var isComplete: Bool
    /// Every input used, deduplicated, in factor order.
    public var evidence: [TypedObservation]
    /// Plausibility flags (e.g. albumin outside 5–60 g/L): reported, never used to change the score.
    public var warnings: [String]
    public var rationale: String
    /// Configuration in force (its echo belongs in the output).
    public var configuration: ScoringConfiguration

    public func outcome(of factor: PTACEFactor) -> FactorOutcome {
        factors.first { $0.factor == factor }!.outcome
    }
}

/// p-TACE assessment, clinical reference §3.
public enum PTACE {
    /// Plausibility bounds for ALBI inputs (§1 input guards, design choice): flagged, not rejected.
    public static let plausibleBilirubinMinimumUmolPerL = 1.0
    public static let plausibleAlbuminGPerL: ClosedRange<Double> = 5...60

    /// Scores one patient's observations. Pure and deterministic.
    public static func assess(observations: [TypedObservation], index: IndexDate, configuration: ScoringConfiguration) -> PTACEAssessment {
        var factors: [(factor: PTACEFactor, outcome: FactorOutcome)] = []
        var albiResult: ALBIResult?
        var warnings: [String] = []
        for factor in PTACEFactor.allCases {
            switch factor {
            case .vascularization:
                factors.append((factor, vascularization(observations, index, configuration)))
            case .albi:
                let (outcome, result, w) = albi(observations, index, configuration)
                albiResult = result
                warnings += w
                factors.append((factor, outcome))
            case .afp:
                factors.append((factor, quantity(.afp, PTACEPoints.afpScale, label: "AFP", observations, index, configuration)))
            case .ggt:
                factors.append((factor, quantity(.ggt, PTACEPoints.ggtScale, label: "GGT", observations, index, configuration)))
            case .size:
                factors.append((factor, quantity(.largestTumorDiameter, PTACEPoints.sizeScale, label: "largest tumor",
                                                 observations, index, configuration)))
            }
        }

        let low = factors.reduce(0.0) { $0 + ($1.outcome.reachablePoints.min() ?? 0) }
        let high = factors.reduce(0.0) { $0 + ($1.outcome.reachablePoints.max() ?? 0) }
        let points = factors.map { $0.outcome.points }
        let isComplete = points.allSatisfy { $0 != nil }
        let total: Double? = isComplete ? points.reduce(0.0) { $0 + $1! } : nil

        var missing: [Concept] = []
        for (_, outcome) in factors {
            if case .unavailable(_, let gaps, _) = outcome {
                for (c, _) in gaps where !missing.contains(c) { missing.append(c) }
            }
        }
        var evidence: [TypedObservation] = []
        var seen = Set<TypedObservation>()
        for (_, outcome) in factors { for o in outcome.evidence where seen.insert(o).inserted { evidence.append(o) } }

        var grade: Int?
        var probability: Double?
        var logistic: Double?
        var risk: QualitativeRisk?
        if let total {
            let g = PTACEPoints.grade(total: total)
            grade = g
            logistic = PTACEPoints.logisticProbability(
                vascularizationHigh: points[0]! > 0, albiGrade: points[1]! > 0 ? 2 : 1, afpPoints: points[2]!,
                ggtPoints: points[3]!, sizeOver5: points[4]! > 0, intercept: configuration.ptaceIntercept)
            switch configuration.ptaceProbabilitySource {
            case .gradeTable: probability = PTACEPoints.gradeTableProbability[g]
            case .logisticModel: probability = logistic
            }
            risk = configuration.qualitativeMap[g]
        }

        var assessment = PTACEAssessment(
            index: index, factors: factors, albi: albiResult, total: total, reachableTotal: low...high, grade: grade,
            reachableGrades: PTACEPoints.grade(total: low)...PTACEPoints.grade(total: high), probability: probability,
            logisticProbability: logistic, qualitativeRisk: risk, missingConcepts: missing, isComplete: isComplete,
            evidence: evidence, warnings: warnings, rationale: "", configuration: configuration)
        assessment.rationale = rationale(assessment)
        return assessment
    }

    // MARK: factors

    static func unavailable(_ factor: PTACEFactor, _ gaps: [(Concept, SelectionGap)], evidence: [TypedObservation] = []) -> FactorOutcome {
        .unavailable(reachable: factor.possiblePoints, gaps: gaps, evidence: evidence)
    }

    static func vascularization(_ obs: [TypedObservation], _ index: IndexDate, _ config: ScoringConfiguration) -> FactorOutcome {
        let sel = InputSelection.select(.vascularizationPattern, from: obs, index: index.time, configuration: config)
        guard let o = sel.observation, let code = o.value.code, let p = PTACEPoints.vascularization(code) else {
            return unavailable(.vascularization, [(.vascularizationPattern, sel.gap ?? .notUsable("vascularization pattern is not type-1 to type-4"))])
        }
        return .scored(points: p, evidence: [o], detail: "vascularization " + code.replacingDash() + dated(o))
    }

    static func measurementText(_ m: Measurement) -> String {
        // INR is dimensionless and already named by the label ("INR 1.8"), so no unit is appended.
        let unit = m.unit == .inr ? "" : m.unit.displayText
        return m.comparator.rawValue + NumberText.decimal(m.value) + (unit.isEmpty ? "" : " " + unit)
    }

    /// ` on 2025-03-01`: the date of the result as the source wrote it (its own UTC offset), so a reader of
    /// the rationale sees how old each input was without opening the basis.
    static func dated(_ o: TypedObservation) -> String {
        guard let t = o.effective else { return "" }
        return " on " + String(t.localText.prefix(10))
    }

    static func pointsList(_ p: [Double]) -> String {
        let t = p.map { NumberText.decimal($0) }
        return t.count <= 1 ? t.joined() : t.dropLast().joined(separator: ", ") + " or " + t.last!
    }

    static func quantity(_ concept: Concept, _ scale: StepScale, label: String, _ obs: [TypedObservation], _ index: IndexDate,
                         _ config: ScoringConfiguration) -> FactorOutcome {
        let factor = PTACEFactor.allCases.first { $0.concepts == [concept] }!
        let sel = InputSelection.select(concept, from: obs, index: index.time, configuration: config)
        guard let o = sel.observation, let m = o.value.measurement else {
            return unavailable(factor, [(concept, sel.gap ?? .noObservation)])
        }
        let reach = scale.reachable(m.interval)
        let text = label + " " + measurementText(m) + dated(o)
        if reach.count == 1 { return .scored(points: reach[0], evidence: [o], detail: text) }
        return .unavailable(reachable: reach, gaps: [(concept, .notUsable("\(text) is censored: the true value could score \(pointsList(reach)) points"))],
                            evidence: [o])
    }

    static func albi(_ obs: [TypedObservation], _ index: IndexDate, _ config: ScoringConfiguration)
        -> (FactorOutcome, ALBIResult?, [String]) {
        let b = InputSelection.select(.bilirubinTotal, from: obs, index: index.time, configuration: config)
        let a = InputSelection.select(.albumin, from: obs, index: index.time, configuration: config)
        var gaps: [(Concept, SelectionGap)] = []
        if let g = b.gap { gaps.append((.bilirubinTotal, g)) }
        if let g = a.gap { gaps.append((.albumin, g)) }
        guard gaps.isEmpty, var bo = b.observation, var ao = a.observation else {
            return (unavailable(.albi, gaps.isEmpty ? [(.bilirubinTotal, .noObservation)] : gaps), nil, [])
        }
        var pairingNote: [String] = []
        let maxGap = config.albiMaxPairGapDays * 86_400
        let gapSeconds = abs(bo.effective!.epochSeconds - ao.effective!.epochSeconds)
        if gapSeconds > maxGap {
            // The latest bilirubin and the latest albumin are too far apart: use the most recent pair that is
            // close enough (the pair whose older member is latest; then the smaller gap), if there is one.
            if let pair = closestRecentPair(obs, index, config) {
                pairingNote = ["the latest bilirubin and albumin were \(NumberText.decimal(gapSeconds / 86_400, maxFractionDigits: 2)) days apart, so the most recent pair at most \(NumberText.exact(config.albiMaxPairGapDays)) days apart was used"]
                (bo, ao) = pair
            } else {
                let older: Concept = bo.effective!.epochSeconds < ao.effective!.epochSeconds ? .bilirubinTotal : .albumin
                let why = "bilirubin and albumin \(NumberText.decimal(gapSeconds / 86_400, maxFractionDigits: 2)) days apart and no earlier pair within albi.maxPairGapDays = \(NumberText.exact(config.albiMaxPairGapDays))"
                return (unavailable(.albi, [(older, .notUsable(why))]), nil, [])
            }
        }
        guard let bm = bo.value.measurement, let am = ao.value.measurement else {
            return (unavailable(.albi, [(.bilirubinTotal, .noObservation)]), nil, [])
        }
        var warnings: [String] = pairingNote
        if bm.comparator == .equal, bm.value < plausibleBilirubinMinimumUmolPerL {
            warnings.append("bilirubin \(measurementText(bm)) is below the plausible minimum of \(NumberText.decimal(plausibleBilirubinMinimumUmolPerL)) µmol/L")
        }
        if am.comparator == .equal, !plausibleAlbuminGPerL.contains(am.value) {
            warnings.append("albumin \(measurementText(am)) is outside the plausible \(NumberText.decimal(plausibleAlbuminGPerL.lowerBound))-\(NumberText.decimal(plausibleAlbuminGPerL.upperBound)) g/L")
        }
        let inputs = "from bilirubin \(measurementText(bm))\(dated(bo)) and albumin \(measurementText(am))\(dated(ao))"
        if bm.comparator == .equal, am.comparator == .equal {
            guard let r = ALBI.score(bilirubinUmolPerL: bm.value, albuminGPerL: am.value, configuration: config) else {
                return (unavailable(.albi, [(.bilirubinTotal, .notUsable("bilirubin \(measurementText(bm)): ALBI needs bilirubin > 0"))],
                                    evidence: [bo, ao]), nil, warnings)
            }
            var detail = "ALBI grade \(r.grade), score \(NumberText.fixed(r.score, fractionDigits: 3))"
            if config.albiRounding != .none {
                detail += " (rounded from \(NumberText.fixed(r.unroundedScore, fractionDigits: 4)))"
            }
            return (.scored(points: PTACEPoints.albi(grade: r.grade), evidence: [bo, ao], detail: detail + ", " + inputs), r, warnings)
        }
        guard let reach = PTACEPoints.albiReachable(bilirubin: bm.interval, albumin: am.interval, configuration: config) else {
            return (unavailable(.albi, [(.bilirubinTotal, .notUsable("bilirubin \(measurementText(bm)): ALBI needs bilirubin > 0"))],
                                evidence: [bo, ao]), nil, warnings)
        }
        let scoreText = reach.score.text(maxFractionDigits: 3)
        if reach.points.count == 1 {
            let grades = reach.grades.map(String.init).joined(separator: " or ")
            return (.scored(points: reach.points[0], evidence: [bo, ao],
                            detail: "ALBI grade \(grades), score \(scoreText), \(inputs)"), nil, warnings)
        }
        let censored: Concept = bm.comparator != .equal ? .bilirubinTotal : .albumin
        return (.unavailable(reachable: reach.points,
                             gaps: [(censored, .notUsable("ALBI \(scoreText) \(inputs) is censored: could score \(pointsList(reach.points)) points"))],
                             evidence: [bo, ao]), nil, warnings)
    }

    /// Among the bilirubin and albumin results eligible at the index date (usable status, inside the lookback,
    /// scorable), the pair at most `albi.maxPairGapDays` apart whose older member is the most recent; ties go to
    /// the smaller gap. Eligibility is exactly `InputSelection.select`'s, applied to each result on its own.
    static func closestRecentPair(_ obs: [TypedObservation], _ index: IndexDate, _ config: ScoringConfiguration)
        -> (TypedObservation, TypedObservation)? {
        func eligible(_ concept: Concept) -> [TypedObservation] {
            obs.filter { $0.concept == concept && InputSelection.select(concept, from: [$0], index: index.time, configuration: config).observation != nil }
        }
        let maxGap = config.albiMaxPairGapDays * 86_400
        var best: (TypedObservation, TypedObservation, older: Double, gap: Double)? = nil
        for b in eligible(.bilirubinTotal) {
            for a in eligible(.albumin) {
                guard let tb = b.effective?.epochSeconds, let ta = a.effective?.epochSeconds else { continue }
                let gap = abs(tb - ta)
                guard gap <= maxGap else { continue }
                let older = min(tb, ta)
                if let current = best, !(older > current.older || (older == current.older && gap < current.gap)) { continue }
                best = (b, a, older, gap)
            }
        }
        return best.map { ($0.0, $0.1) }
    }

    // MARK: rationale

    static func indexText(_ index: IndexDate) -> String {
        "Index date \(index.time.localText) (\(index.source.phrase))"
    }

    static func rationale(_ a: PTACEAssessment) -> String {
        let c = a.configuration
        let max = NumberText.decimal(PTACEPoints.maximumTotal)
        var parts: [String] = []
        if let total = a.total, let grade = a.grade {
            let terms = a.factors.map { f -> String in
                if case .scored(let p, _, let d) = f.outcome { return "\(d) (\(NumberText.decimal(p)))" }
                return ""
            }
            parts.append("p-TACE \(NumberText.decimal(total))/\(max) = " + terms.joined(separator: " + ")
                + "; risk grade \(grade) (\(PTACEPoints.gradeBandText(grade)))")
            if let p = a.probability {
                switch c.ptaceProbabilitySource {
                case .gradeTable:
                    parts.append("Probability \(NumberText.fixed(p, fractionDigits: 3)) = Table 5 training estimated risk for grade \(grade), expressed as a fraction (0-1)")
                case .logisticModel:
                    parts.append("Probability \(NumberText.fixed(p, fractionDigits: 3)) = Table 3 logistic model with effective intercept \(NumberText.exact(c.ptaceIntercept)) (0/1 coding), expressed as a fraction (0-1)")
                }
            }
        } else {
            var missing: [String] = []
            var scored: [String] = []
            for f in a.factors {
                switch f.outcome {
                case .scored(let p, _, let d): scored.append("\(d) (\(NumberText.decimal(p)))")
                case .unavailable(let reach, let gaps, _):
                    let why = gaps.map { "\($0.0.rawValue): \($0.1.explanation)" }.joined(separator: "; ")
                    missing.append("\(f.factor.displayName) [\(pointsList(reach)) points possible] (\(why))")
                }
            }
            parts.append("p-TACE not computed: missing or unusable " + missing.joined(separator: ", "))
            let lo = a.reachableTotal.lowerBound, hi = a.reachableTotal.upperBound
            let grades = a.reachableGrades.lowerBound == a.reachableGrades.upperBound
                ? "risk grade \(a.reachableGrades.lowerBound) whatever the missing values"
                : "risk grades \(a.reachableGrades.lowerBound) to \(a.reachableGrades.upperBound)"
            parts.append("Reachable total \(NumberText.decimal(lo)) to \(NumberText.decimal(hi)) of \(max) (\(grades)); a missing factor is never scored as 0")
            if !scored.isEmpty { parts.append("Scored: " + scored.joined(separator: "; ")) }
        }
        if !a.warnings.isEmpty { parts.append("Check: " + a.warnings.joined(separator: "; ")) }
        parts.append(indexText(a.index) + "; lookback \(NumberText.exact(c.labLookbackDays)) days for labs, \(NumberText.exact(c.imagingLookbackDays)) days for imaging")
        parts.append("Outcome: TACE refractoriness as judged by JSH-LCSGJ 2014 criteria in the derivation study")
        parts.append("Config " + c.echoText)
        return parts.joined(separator: ". ") + "."
    }
}

extension String {
    /// "type-3" → "type 3" for prose.
    func replacingDash() -> String { String(map { $0 == "-" ? " " : $0 }) }
}
