import TACEModel
import TACEScoring

/// The factors the 2024 HAIC study (J Gastrointest Oncol 2024) found to shorten survival after hepatic
/// arterial infusion chemotherapy in TACE-refractory patients. Informational only: no score, no weight.
public enum PostRefractorinessFactors {
    public struct Factor: Sendable {
        public var name: String
        /// `nil` when not recorded (or censored across the cut-off).
        public var present: Bool?
        public var detail: String
        public var evidence: [TypedObservation]
    }

    /// Albumin ≤ 3 g/dL (= 30 g/L, the canonical unit).
    public static let albuminMaxGPerL = 30.0
    /// AST > 40 U/L.
    public static let astAboveUPerL = 40.0
    /// CRP > 3 mg/L.
    public static let crpAboveMgPerL = 3.0
    /// More than 4 tumors.
    public static let tumorsAbove = 4.0
    /// More than 4 prior TACE sessions.
    public static let sessionsAbove = 4

    /// The five factors on `day` — the evaluation day, when called for a verdict (laboratory values within `ptace.labLookbackDays`, tumor count within
    /// `ptace.imagingLookbackDays`, sessions up to `day`).
    public static func assess(in t: PatientTimeline, on day: ClinicalDay, scoring: ScoringConfiguration) -> [Factor] {
        let cut = t.asOfDay == day ? t : t.asOf(day)
        func lab(_ concept: Concept, _ name: String, limit: Double, atMost: Bool, _ cutoff: String) -> Factor {
            let sel = InputSelection.select(concept, from: cut.observations, index: day.clinicalTime, configuration: scoring)
            guard let o = sel.observation, let m = o.value.measurement else {
                return Factor(name: name, present: nil, detail: "\(name) \(cutoff): not known (\(sel.gap?.explanation ?? "no value"))", evidence: [])
            }
            let i = m.interval
            let present: Bool?
            if atMost {
                present = i.upper <= limit ? true : (i.lower > limit || (i.lower == limit && !i.lowerClosed)) ? false : nil
            } else {
                present = (i.lower > limit || (i.lower == limit && !i.lowerClosed)) ? true : i.upper <= limit ? false : nil
            }
            return Factor(name: name, present: present,
                          detail: "\(name) \(PTACEText.measurement(m)) (\(cutoff)): \(word(present))", evidence: [o])
        }
        var out = [
            lab(.albumin, "albumin", limit: albuminMaxGPerL, atMost: true, "≤ 3 g/dL = 30 g/L"),
            lab(.ast, "AST", limit: astAboveUPerL, atMost: false, "> 40 U/L"),
            lab(.crp, "CRP", limit: crpAboveMgPerL, atMost: false, "> 3 mg/L"),
        ]
        let earliest = day.adding(days: -Int(scoring.imagingLookbackDays.rounded(.down)))
        if let study = cut.assessments.last(where: { $0.tumorCount != nil && $0.day >= earliest }), let count = study.tumorCount {
            let i = count.value.interval
            let present: Bool? = i.lower > tumorsAbove ? true : i.upper <= tumorsAbove ? false : nil
            out.append(Factor(name: "tumor count", present: present,
                              detail: "tumor count \(PTACEText.measurement(count.value)) on \(study.day) (> 4): \(word(present))",
                              evidence: [count.observation]))
        } else {
            out.append(Factor(name: "tumor count", present: nil,
                              detail: "tumor count (> 4): not known (no count in the \(NumberText.exact(scoring.imagingLookbackDays)) days up to \(day))",
                              evidence: []))
        }
        let performed = cut.performedSessions
        let n = performed.count
        out.append(Factor(name: "prior TACE sessions", present: n > sessionsAbove,
                          detail: "\(n) prior TACE session(s) (> 4): \(word(n > sessionsAbove))",
                          evidence: performed.flatMap(\.procedures)))
        return out
    }

    /// The factors as one rationale note.
    public static func notes(in t: PatientTimeline, on day: ClinicalDay, scoring: ScoringConfiguration) -> [String] {
        let factors = assess(in: t, on: day, scoring: scoring)
        return ["after refractoriness, factors of shorter survival under HAIC (2024 HAIC study; informational, no score) on \(day): "
            + factors.map(\.detail).joined(separator: "; ")]
    }

    static func word(_ present: Bool?) -> String {
        switch present {
        case true?: return "present"
        case false?: return "absent"
        case nil: return "undecidable (censored)"
        }
    }
}
