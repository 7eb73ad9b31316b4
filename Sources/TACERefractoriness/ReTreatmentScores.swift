import TACEModel
import TACEScoring

/// ART or ABCR for one patient: points, group and rationale, or why it was not computed.
public struct ReTreatmentScore: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case art = "art"
        case abcr = "abcr"

        public var display: String {
            switch self {
            case .art: return "ART score (Sieghart 2013)"
            case .abcr: return "ABCR score (Adhoute 2015)"
            }
        }
    }

    public struct Item: Sendable {
        public var name: String
        /// `nil` when the item could not be scored.
        public var points: Double?
        public var detail: String
    }

    public var kind: Kind
    public var evaluationDay: ClinicalDay
    /// `nil` when not computed.
    public var points: Double?
    /// The group code (`0-1.5`, `>=2.5`; `<=0`, `1-3`, `>=4`) and its meaning.
    public var group: (code: String, meaning: String)?
    /// The group as a risk-probability code, through `art.qualitativeMap` / `abcr.qualitativeMap`.
    public var qualitativeRisk: QualitativeRisk?
    /// The mapping used, as echoed (`0-1.5=low,>=2.5=high`).
    public var qualitativeMapText: String?
    public var items: [Item]
    /// Why it was not computed (empty when computed).
    public var missing: [String]
    public var evidence: [TypedObservation]
    public var notes: [String]

    public var isComputed: Bool { points != nil }

    public var rationale: String {
        var parts: [String] = []
        if let points, let group {
            parts.append("\(kind.display) \(NumberText.decimal(points)) = "
                + items.map { "\($0.detail) (\(NumberText.decimal($0.points ?? 0)))" }.joined(separator: " + ")
                + "; group \(group.code): \(group.meaning)")
        } else {
            parts.append("\(kind.display) not computed: " + missing.joined(separator: "; "))
            let scored = items.filter { $0.points != nil }
            if !scored.isEmpty {
                parts.append("Scored: " + scored.map { "\($0.detail) (\(NumberText.decimal($0.points ?? 0)))" }.joined(separator: "; "))
            }
        }
        parts += notes
        return parts.joined(separator: ". ") + "."
    }
}

/// ART (§6.1) and ABCR (§6.2), computed before the second TACE.
public enum ReTreatmentScores {
    /// ART: AST rise > 25 % → 4; Child-Pugh +1 → 1.5, +2 or more → 3; no radiological response after TACE-1 → 1.
    /// Groups 0–1.5 (re-treatment acceptable) and ≥ 2.5 (poor prognosis; re-treatment not recommended).
    public static func art(_ t: PatientTimeline, on day: ClinicalDay, dayOrigin: EvaluationDayOrigin = .asOf,
                           configuration c: RefractorinessConfiguration = .init(),
                           scoring: ScoringConfiguration = .init()) -> ReTreatmentScore {
        both(t, on: day, dayOrigin: dayOrigin, configuration: c, scoring: scoring)[0]
    }

    /// ABCR: AFP > 200 ng/mL before TACE-1 → +1; BCLC A/B/C before TACE-1 → 0/+2/+3; Child-Pugh +2 or more → +2;
    /// objective response after TACE-1 → −3. Groups ≤ 0, 1–3, ≥ 4.
    public static func abcr(_ t: PatientTimeline, on day: ClinicalDay, dayOrigin: EvaluationDayOrigin = .asOf,
                            configuration c: RefractorinessConfiguration = .init(),
                            scoring: ScoringConfiguration = .init()) -> ReTreatmentScore {
        both(t, on: day, dayOrigin: dayOrigin, configuration: c, scoring: scoring)[1]
    }

    /// ART and ABCR, sharing their inputs (Child-Pugh before each session is computed once). `dayOrigin` says
    /// where `day` came from; with a single session recorded the rationale names the day that stood for TACE-2.
    public static func both(_ t: PatientTimeline, on day: ClinicalDay, dayOrigin: EvaluationDayOrigin = .asOf,
                            configuration c: RefractorinessConfiguration = .init(),
                            scoring: ScoringConfiguration = .init()) -> [ReTreatmentScore] {
        let cut = t.asOfDay == day ? t : t.asOf(day)
        let (gathered, reason) = ReTreatmentInputs.gather(cut, on: day, dayOrigin: dayOrigin, configuration: c, scoring: scoring)
        guard let inputs = gathered else {
            return [ReTreatmentScore.Kind.art, .abcr].map {
                ReTreatmentScore(kind: $0, evaluationDay: day, points: nil, group: nil, items: [], missing: [reason ?? "no inputs"],
                                 evidence: [], notes: [])
            }
        }
        let cp = childPughChange(inputs)
        let response = inputs.response
        return [art(inputs, cp: cp, response: response, day: day, c), abcr(inputs, cp: cp, response: response, timeline: cut, day: day, c)]
    }

    typealias ChildPughChange = (delta: Int?, text: String, evidence: [TypedObservation], missing: [String])

    static func art(_ inputs: ReTreatmentInputs, cp: ChildPughChange, response r: (judgement: Judgement?, reason: String?),
                    day: ClinicalDay, _ c: RefractorinessConfiguration) -> ReTreatmentScore {
        var score = ReTreatmentScore(kind: .art, evaluationDay: day, points: nil, group: nil, items: [], missing: [], evidence: [], notes: [])
        let s = inputs.scoring
        // AST
        let a1 = ReTreatmentInputs.latestExact(.ast, in: inputs.before1, index: inputs.tace1.day, scoring: s)
        let a2 = ReTreatmentInputs.latestExact(.ast, in: inputs.before2, index: inputs.tace2Day, scoring: s)
        if let m1 = a1.measurement, let m2 = a2.measurement, let o1 = a1.observation, let o2 = a2.observation {
            if m1.comparator != .equal || m2.comparator != .equal || m1.value <= 0 {
                score.items.append(.init(name: "AST", points: nil, detail: "AST change"))
                score.missing.append("AST \(PTACEText.measurement(m1)) → \(PTACEText.measurement(m2)): censored or zero, the ratio is undecidable")
            } else {
                let ratio = m2.value / m1.value
                let points = m2.value > m1.value * 1.25 ? 4.0 : 0.0
                score.items.append(.init(name: "AST", points: points,
                                         detail: "AST \(PTACEText.measurement(m1)) → \(PTACEText.measurement(m2)) (×\(NumberText.decimal(ratio, maxFractionDigits: 3)); increase > 25 %: \(points > 0 ? "yes" : "no"))"))
                score.evidence += [o1, o2]
            }
        } else {
            score.items.append(.init(name: "AST", points: nil, detail: "AST change"))
            if a1.measurement == nil { score.missing.append("AST before TACE-1: \(a1.gap ?? "no value")") }
            if a2.measurement == nil { score.missing.append("AST after TACE-1 and before TACE-2: \(a2.gap ?? "no value")") }
        }
        // Child-Pugh
        if let delta = cp.delta {
            let points = delta >= 2 ? 3.0 : delta == 1 ? 1.5 : 0.0
            score.items.append(.init(name: "Child-Pugh", points: points, detail: cp.text))
            score.evidence += cp.evidence
        } else {
            score.items.append(.init(name: "Child-Pugh", points: nil, detail: "Child-Pugh change"))
            score.missing += cp.missing
        }
        // Response
        if let j = r.judgement {
            score.items.append(.init(name: "response", points: j.answer == .yes ? 0 : 1,
                                     detail: "radiological response after TACE-1: \(j.answer == .yes ? "yes" : "no") (\(j.detail))"))
            score.evidence += inputs.tace1.procedures + j.evidence
        } else {
            score.items.append(.init(name: "response", points: nil, detail: "radiological response after TACE-1"))
            score.missing.append(r.reason ?? "no evaluation")
        }
        score.notes.append("TACE-1 \(inputs.tace1.day), \(inputs.tace2Text); values at most \(c.artLabLookbackDays) days before each (art.labLookbackDays); response criterion mRECIST CR/PR")
        if score.missing.isEmpty {
            let total = score.items.reduce(0) { $0 + ($1.points ?? 0) }
            score.points = total
            score.group = total >= 2.5 ? (">=2.5", "poor prognosis; re-treatment not recommended") : ("0-1.5", "re-treatment acceptable")
            score.qualitativeRisk = score.group.flatMap { c.artQualitativeMap[$0.code] }
            score.qualitativeMapText = "art.qualitativeMap=" + c.value(of: "art.qualitativeMap")
        }
        return score
    }

    static func abcr(_ inputs: ReTreatmentInputs, cp: ChildPughChange, response r: (judgement: Judgement?, reason: String?),
                     timeline cut: PatientTimeline, day: ClinicalDay, _ c: RefractorinessConfiguration) -> ReTreatmentScore {
        var score = ReTreatmentScore(kind: .abcr, evaluationDay: day, points: nil, group: nil, items: [], missing: [], evidence: [], notes: [])
        // AFP before TACE-1
        let afp = ReTreatmentInputs.latestExact(.afp, in: inputs.before1, index: inputs.tace1.day, scoring: inputs.scoring)
        if let m = afp.measurement, let o = afp.observation {
            let i = m.interval
            if i.lower > 200 || (i.lower == 200 && !i.lowerClosed) {
                score.items.append(.init(name: "AFP", points: 1, detail: "AFP \(PTACEText.measurement(m)) > 200 ng/mL"))
                score.evidence.append(o)
            } else if i.upper <= 200 {
                score.items.append(.init(name: "AFP", points: 0, detail: "AFP \(PTACEText.measurement(m)) ≤ 200 ng/mL"))
                score.evidence.append(o)
            } else {
                score.items.append(.init(name: "AFP", points: nil, detail: "AFP"))
                score.missing.append("AFP \(PTACEText.measurement(m)) is censored across 200 ng/mL")
            }
        } else {
            score.items.append(.init(name: "AFP", points: nil, detail: "AFP"))
            score.missing.append("AFP before TACE-1: \(afp.gap ?? "no value")")
        }
        // BCLC at baseline: the last stage recorded within abcr.bclcLookbackDays up to TACE-1's day
        let bclcStart = inputs.tace1.day.adding(days: -c.abcrBCLCLookbackDays)
        if let stage = cut.bclcStage.last(where: { $0.day <= inputs.tace1.day && $0.day >= bclcStart }) {
            let points: Double? = ["A": 0, "B": 2, "C": 3][stage.value]
            if let points {
                score.items.append(.init(name: "BCLC", points: points, detail: "BCLC \(stage.value) (recorded \(stage.day))"))
                score.evidence.append(stage.observation)
            } else {
                score.items.append(.init(name: "BCLC", points: nil, detail: "BCLC"))
                score.missing.append("BCLC \(stage.value) before TACE-1: ABCR is defined for stages A to C")
            }
        } else {
            score.items.append(.init(name: "BCLC", points: nil, detail: "BCLC"))
            let older = cut.bclcStage.last(where: { $0.day < bclcStart })
            score.missing.append("no BCLC stage recorded in the \(c.abcrBCLCLookbackDays) days up to TACE-1 (abcr.bclcLookbackDays)"
                                 + (older.map { " (the last one, \($0.day), is older)" } ?? ""))
        }
        // Child-Pugh
        if let delta = cp.delta {
            score.items.append(.init(name: "Child-Pugh", points: delta >= 2 ? 2 : 0, detail: cp.text + " (increase ≥ 2: \(delta >= 2 ? "yes" : "no"))"))
            score.evidence += cp.evidence
        } else {
            score.items.append(.init(name: "Child-Pugh", points: nil, detail: "Child-Pugh change"))
            score.missing += cp.missing
        }
        // Response
        if let j = r.judgement {
            score.items.append(.init(name: "response", points: j.answer == .yes ? -3 : 0,
                                     detail: "objective response after TACE-1: \(j.answer == .yes ? "yes" : "no") (\(j.detail))"))
            score.evidence += inputs.tace1.procedures + j.evidence
        } else {
            score.items.append(.init(name: "response", points: nil, detail: "objective response after TACE-1"))
            score.missing.append(r.reason ?? "no evaluation")
        }
        score.notes.append("TACE-1 \(inputs.tace1.day), \(inputs.tace2Text); values at most \(c.artLabLookbackDays) days before each (art.labLookbackDays)")
        score.notes.append("BCLC stage as recorded, at most \(c.abcrBCLCLookbackDays) days before TACE-1 (abcr.bclcLookbackDays); "
                           + "abcr.bclcVersion=\(c.abcrBCLCVersion.rawValue): \(c.abcrBCLCVersion.meaning)")
        if score.missing.isEmpty {
            let total = score.items.reduce(0) { $0 + ($1.points ?? 0) }
            score.points = total
            score.group = total <= 0 ? ("<=0", "favourable; re-treatment with TACE")
                : total >= 4 ? (">=4", "unfavourable; consider stopping TACE") : ("1-3", "intermediate")
            score.qualitativeRisk = score.group.flatMap { c.abcrQualitativeMap[$0.code] }
            score.qualitativeMapText = "abcr.qualitativeMap=" + c.value(of: "abcr.qualitativeMap")
        }
        return score
    }

    /// Child-Pugh points before TACE-2 minus before TACE-1, when both are complete.
    static func childPughChange(_ inputs: ReTreatmentInputs) -> ChildPughChange {
        let (cp1, cp2) = inputs.childPugh
        guard case .scored(let p1, let e1) = cp1, case .scored(let p2, let e2) = cp2 else {
            var missing: [String] = []
            if case .missing(let concepts) = cp1 {
                missing.append("Child-Pugh before TACE-1: missing " + concepts.map(\.rawValue).joined(separator: ", "))
            }
            if case .missing(let concepts) = cp2 {
                missing.append("Child-Pugh after TACE-1 and before TACE-2: missing " + concepts.map(\.rawValue).joined(separator: ", "))
            }
            return (nil, "", [], missing)
        }
        let delta = p2 - p1
        return (delta, "Child-Pugh \(p1) → \(p2) (\(delta >= 0 ? "+" : "")\(delta))", e1 + e2, [])
    }
}
