import TACEModel
import TACEScoring

/// Yes, no, or not decidable from the data.
public enum Tri: Sendable, Equatable {
    case yes, no, unknown
}

/// A judgement on one study or session, with what it was based on.
public struct Judgement: Sendable {
    public var answer: Tri
    /// Plain text for rationales: the values and the comparison (no identifiers).
    public var detail: String
    public var evidence: [TypedObservation]

    static func unknown(_ detail: String) -> Judgement { Judgement(answer: .unknown, detail: detail, evidence: []) }
}

/// The evaluation of one session (§4.2 `evalFor`).
public enum EvaluationLookup: Sendable {
    /// The first study with response data 28–92 days after the session and before the next session.
    case found(ResponseAssessment, daysAfter: Int)
    /// None yet, and the window is still open on the evaluation date.
    case pending
    /// None in the window: the session is unevaluable.
    case missing(String)
}

/// The shared primitives of clinical reference §4.2, as pure functions over a timeline.
public enum Primitives {
    // MARK: sessions

    /// Whether a session is selective and adequate. `assumed` lists what was not recorded and taken as true
    /// (`session.assumeQualifying`); `reason` says why a session does not qualify.
    /// A TACE attempt that was not completed (stopped, not done) never qualifies: it was not adequately performed.
    public static func qualifies(_ s: TACESession, _ c: RefractorinessConfiguration) -> (qualifies: Bool, assumed: [String], reason: String?) {
        if let nc = s.notCompleted { return (false, [], "TACE " + nc.value.notCompletedText) }
        var assumed: [String] = []
        var reasons: [String] = []
        if let sel = s.selectivity {
            if !sel.value.isSelective { reasons.append("not selective (\(sel.value.rawValue))") }
        } else if c.sessionAssumeQualifying {
            assumed.append("selective")
        } else {
            reasons.append("selectivity not recorded (session.assumeQualifying=false)")
        }
        if let adequate = s.adequate {
            if !adequate.value { reasons.append("not adequately performed") }
        } else if c.sessionAssumeQualifying {
            assumed.append("adequate")
        } else {
            reasons.append("adequacy not recorded (session.assumeQualifying=false)")
        }
        return (reasons.isEmpty, assumed, reasons.isEmpty ? nil : reasons.joined(separator: ", "))
    }

    /// §4.1: the note saying which sessions were taken as selective/adequate because that was not recorded
    /// (`nil` when none was).
    public static func assumedQualifyingNote(in t: PatientTimeline, _ c: RefractorinessConfiguration) -> String? {
        let assumed = t.sessions.compactMap { s -> String? in
            let q = qualifies(s, c)
            return q.assumed.isEmpty ? nil : "\(s.day) (\(q.assumed.joined(separator: ", ")) not recorded)"
        }
        return assumed.isEmpty ? nil : "assumed selective and adequate (session.assumeQualifying=true): " + assumed.joined(separator: ", ")
    }

    /// The intent of a session: recorded on its day, else (with `intent.carryForward`) the last one recorded before it.
    public static func intent(of s: TACESession, in t: PatientTimeline, _ c: RefractorinessConfiguration) -> DatedRecord<TreatmentIntent>? {
        if let i = s.intent { return DatedRecord(day: s.day, value: i.value, observation: i.observation) }
        guard c.intentCarryForward else { return nil }
        return t.intents.last { $0.day <= s.day }
    }

    /// The next session after session `i` in which TACE was performed (an attempt not completed delivered no
    /// treatment to evaluate or to follow: it ends neither the evaluation window nor the marker follow-up; it
    /// breaks the chain instead, see `qualifies`).
    public static func nextPerformedSession(after i: Int, in t: PatientTimeline) -> TACESession? {
        t.sessions[(i + 1)...].first { $0.isPerformed }
    }

    /// `evalFor(S_i)`: the first study with response data taken `eval.windowDays` after session `i` and before
    /// the next session (§4.2: strictly before it; on its day too only with `eval.nextSessionDayCounts`).
    public static func evaluation(ofSession i: Int, in t: PatientTimeline, _ c: RefractorinessConfiguration) -> EvaluationLookup {
        let s = t.sessions[i]
        let next = nextPerformedSession(after: i, in: t)
        let window = c.evalWindowDays
        for a in t.assessments where a.day > s.day && a.hasResponseData {
            let days = a.day.days(since: s.day)
            if let next {
                if a.day > next.day || (a.day == next.day && !c.evalNextSessionDayCounts) { break }
            }
            if window.contains(days) { return .found(a, daysAfter: days) }
            if days > window.upperBound { break }
        }
        if let next {
            let gap = next.day.days(since: s.day)
            if gap < window.lowerBound {
                // Review 20: staged TACE (sessions closer than the window) can never be evaluated session by session;
                // say so, rather than let the chain break pass silently.
                return .missing("next session \(gap) days later, before the \(window.lowerBound)-\(window.upperBound)-day evaluation window"
                                + " — possibly staged TACE; sessions this close are never evaluated one by one, so a run through them"
                                + (c.evalMissingBreaksChain ? " cannot form (eval.missingBreaksChain=true)" : " passes over this one"))
            }
            return .missing("no CT/MRI response \(window.lowerBound)-\(window.upperBound) days after it and before the next session")
        }
        if let asOf = t.asOfDay, asOf.days(since: s.day) < window.upperBound { return .pending }
        return .missing("no CT/MRI response \(window.lowerBound)-\(window.upperBound) days after it")
    }

    /// The first other treatment dated within `from...to` (both inclusive), if chains break on them.
    public static func otherTreatment(in t: PatientTimeline, from: ClinicalDay, to: ClinicalDay, _ c: RefractorinessConfiguration) -> OtherTreatment? {
        guard c.chainBreakOnOtherTreatment, from <= to else { return nil }
        return t.otherTreatments.first { $0.day >= from && $0.day <= to }
    }

    // MARK: response

    /// `insufficient(E)`: the treated tumor's viable part is above (or, `inclusive`, at or above) `threshold`.
    /// `targetedOnly` (Zhang 2022) never falls back to the overall mRECIST category.
    public static func insufficient(_ e: ResponseAssessment, threshold: Double, inclusive: Bool, targetedOnly: Bool,
                                    _ c: RefractorinessConfiguration) -> Judgement {
        let useViable = c.insufficientSource != .mRECIST && !e.viablePercents.isEmpty
        if useViable {
            return viableJudgement(e.viablePercents, threshold: threshold, inclusive: inclusive, c)
        }
        if c.insufficientSource == .viablePercent { return .unknown("no viable-tumor percent reported") }
        let comparison = (inclusive ? "≥ " : "> ") + percentText(threshold)
        if let target = aggregate(e.targetResponses, c) {
            let insufficient = !target.value.isObjectiveResponse
            return Judgement(answer: insufficient ? .yes : .no,
                             detail: "mRECIST target \(target.value.rawValue) (SD/PD read as viable \(comparison), §5.3)",
                             evidence: [target.observation])
        }
        if !targetedOnly, c.insufficientOverallFallback, let overall = aggregate(e.overallResponses, c) {
            let insufficient = !overall.value.isObjectiveResponse
            return Judgement(answer: insufficient ? .yes : .no,
                             detail: "mRECIST overall \(overall.value.rawValue) (no target category; SD/PD read as viable \(comparison))",
                             evidence: [overall.observation])
        }
        return .unknown(targetedOnly ? "no viable-tumor percent or mRECIST target category" : "no viable-tumor percent or mRECIST category")
    }

    static func viableJudgement(_ values: [Recorded<Measurement>], threshold: Double, inclusive: Bool,
                                _ c: RefractorinessConfiguration) -> Judgement {
        var answers: [Tri] = []
        for v in values {
            let i = v.value.interval
            let lo = i.lower / 100, hi = i.upper / 100
            let above: Bool = inclusive ? lo >= threshold : (lo > threshold || (lo == threshold && !i.lowerClosed))
            let below: Bool = inclusive ? (hi < threshold || (hi == threshold && !i.upperClosed)) : hi <= threshold
            answers.append(above ? .yes : below ? .no : .unknown)
        }
        let answer: Tri
        switch c.insufficientAggregation {
        case .anyLesion:
            answer = answers.contains(.yes) ? .yes : answers.contains(.unknown) ? .unknown : .no
        case .allLesions:
            answer = answers.contains(.no) ? .no : answers.contains(.unknown) ? .unknown : .yes
        }
        let shown = values.map { PTACEText.measurement($0.value) }.joined(separator: ", ")
        let scope = values.count > 1 ? (c.insufficientAggregation == .anyLesion ? " (any lesion)" : " (all lesions)") : ""
        let op = inclusive ? "≥" : ">"
        let verdict = answer == .yes ? op : answer == .no ? "not \(op)" : "censored, undecidable vs"
        return Judgement(answer: answer, detail: "viable \(shown)\(scope) \(verdict) \(percentText(threshold))",
                         evidence: values.map(\.observation))
    }

    /// Several categories on one study: the worst with `anyLesion`, the best with `allLesions`.
    static func aggregate(_ values: [Recorded<MRECISTCategory>], _ c: RefractorinessConfiguration) -> Recorded<MRECISTCategory>? {
        switch c.insufficientAggregation {
        case .anyLesion: return values.max { $0.value < $1.value }
        case .allLesions: return values.min { $0.value < $1.value }
        }
    }

    /// `objectiveResponse(E)`: mRECIST overall CR or PR; without an overall category, the target category
    /// unless the study shows new intrahepatic lesions or extrahepatic spread (which make it PD overall).
    public static func objectiveResponse(_ e: ResponseAssessment, _ c: RefractorinessConfiguration) -> Judgement {
        if let overall = aggregate(e.overallResponses, c) {
            return Judgement(answer: overall.value.isObjectiveResponse ? .yes : .no,
                             detail: "mRECIST overall \(overall.value.rawValue)", evidence: [overall.observation])
        }
        if let target = aggregate(e.targetResponses, c) {
            if target.value.isObjectiveResponse {
                if let n = e.newIntrahepaticLesions, n.value.interval.lower > 0 {
                    return Judgement(answer: .no, detail: "mRECIST target \(target.value.rawValue) but new intrahepatic lesions (PD overall)",
                                     evidence: [target.observation, n.observation])
                }
                if let ehs = e.extrahepaticSpread, ehs.value {
                    return Judgement(answer: .no, detail: "mRECIST target \(target.value.rawValue) but extrahepatic spread (PD overall)",
                                     evidence: [target.observation, ehs.observation])
                }
            }
            return Judgement(answer: target.value.isObjectiveResponse ? .yes : .no,
                             detail: "mRECIST target \(target.value.rawValue) (no overall category)", evidence: [target.observation])
        }
        return .unknown("no mRECIST category")
    }

    /// Complete response of the target lesions (European view): target CR, else overall CR, else every viable percent 0.
    public static func completeResponse(_ e: ResponseAssessment, _ c: RefractorinessConfiguration) -> Judgement {
        if let target = aggregate(e.targetResponses, c) {
            return Judgement(answer: target.value == .completeResponse ? .yes : .no,
                             detail: "mRECIST target \(target.value.rawValue)", evidence: [target.observation])
        }
        if let overall = aggregate(e.overallResponses, c) {
            return Judgement(answer: overall.value == .completeResponse ? .yes : .no,
                             detail: "mRECIST overall \(overall.value.rawValue)", evidence: [overall.observation])
        }
        if !e.viablePercents.isEmpty {
            let none = e.viablePercents.allSatisfy { $0.value.interval.upper == 0 }
            let some = e.viablePercents.contains { $0.value.interval.lower > 0 || ($0.value.interval.lower == 0 && !$0.value.interval.lowerClosed) }
            let shown = e.viablePercents.map { PTACEText.measurement($0.value) }.joined(separator: ", ")
            return Judgement(answer: none ? .yes : some ? .no : .unknown, detail: "viable \(shown)",
                             evidence: e.viablePercents.map(\.observation))
        }
        return .unknown("no mRECIST category or viable-tumor percent")
    }

    /// `intrahepaticProgression(E, S_i)`: the tumor number on E exceeds the number on the last study on or before
    /// the session's day. Without both counts, new intrahepatic lesions (with `progression.newLesionsImplyIncrease`).
    public static func intrahepaticProgression(_ e: ResponseAssessment, session s: TACESession, in t: PatientTimeline,
                                               _ c: RefractorinessConfiguration) -> Judgement {
        if c.progressionAlsoCountMRECISTPD, let pd = e.overallResponses.first(where: { $0.value == .progressiveDisease }) {
            return Judgement(answer: .yes, detail: "mRECIST overall PD (progression.alsoCountMRECIST_PD)", evidence: [pd.observation])
        }
        let prior = t.assessments.last { $0.day <= s.day && $0.tumorCount != nil }
        if let now = e.tumorCount, let before = prior?.tumorCount, let priorDay = prior?.day {
            let a = now.value.interval, b = before.value.interval
            let answer: Tri = a.lower > b.upper ? .yes : a.upper <= b.lower ? .no : .unknown
            let text = "tumor count \(PTACEText.measurement(now.value)) vs \(PTACEText.measurement(before.value)) on \(priorDay)"
            return Judgement(answer: answer, detail: text + (answer == .yes ? " (increase)" : answer == .no ? " (no increase)" : " (censored)"),
                             evidence: [now.observation, before.observation])
        }
        if c.progressionNewLesionsImplyIncrease, let n = e.newIntrahepaticLesions {
            let i = n.value.interval
            let answer: Tri = (i.lower > 0 || (i.lower == 0 && !i.lowerClosed)) ? .yes : i.upper == 0 ? .no : .unknown
            return Judgement(answer: answer, detail: "new intrahepatic lesions \(PTACEText.measurement(n.value))", evidence: [n.observation])
        }
        if e.tumorCount != nil { return .unknown("no tumor count on or before the session to compare with") }
        return .unknown("no tumor count or new-lesion count")
    }

    // MARK: vascular invasion and extrahepatic spread

    /// `newMVI` over the studies after the first session: the first with vascular invasion (Vp ≥ `mvi.minGrade`,
    /// or Vv ≥ 1 with `mvi.includeHepaticVein`) that the last study on or before the first session's day recorded
    /// as absent.
    public static func newVascularInvasion(in t: PatientTimeline, _ c: RefractorinessConfiguration) -> Finding {
        guard let first = t.sessions.first else { return .noData("no TACE session") }
        let portalStudy = t.assessments.last { $0.day <= first.day && $0.portalVeinGrade != nil }
        let hepaticStudy = t.assessments.last { $0.day <= first.day && $0.hepaticVeinGrade != nil }
        let baselinePortal = portalStudy?.portalVeinGrade, baselineHepatic = hepaticStudy?.hepaticVeinGrade
        var seen = false
        var undetermined: [String] = []
        for e in t.assessments where e.day > first.day {
            if let p = e.portalVeinGrade {
                seen = true
                if p.value >= c.mviMinGrade {
                    if let b = baselinePortal {
                        if b.value < c.mviMinGrade {
                            return .met(e.day, "Vp\(p.value) on \(e.day), Vp\(b.value) before the first TACE (\(portalStudy?.day.description ?? ""))",
                                        [p.observation, b.observation])
                        }
                    } else {
                        undetermined.append("Vp\(p.value) on \(e.day) but no imaging on or before the first TACE recorded the portal vein")
                    }
                }
            }
            if c.mviIncludeHepaticVein, let h = e.hepaticVeinGrade {
                seen = true
                if h.value >= 1 {
                    if let b = baselineHepatic {
                        if b.value < 1 {
                            return .met(e.day, "Vv\(h.value) on \(e.day), Vv\(b.value) before the first TACE (\(hepaticStudy?.day.description ?? ""))",
                                        [h.observation, b.observation])
                        }
                    } else {
                        undetermined.append("Vv\(h.value) on \(e.day) but no imaging on or before the first TACE recorded the hepatic veins")
                    }
                }
            }
        }
        if let u = undetermined.first { return .undetermined(u) }
        if !seen { return .noData("no vascular-invasion grade on imaging after the first TACE") }
        return .notMet("no vascular invasion appeared after the first TACE (minimum Vp\(c.mviMinGrade)\(c.mviIncludeHepaticVein ? " or Vv1" : ""))")
    }

    /// `newEHS`: extrahepatic spread on a study after the first session, recorded absent on the last study on or before it.
    public static func newExtrahepaticSpread(in t: PatientTimeline, _ c: RefractorinessConfiguration) -> Finding {
        guard let first = t.sessions.first else { return .noData("no TACE session") }
        let baselineStudy = t.assessments.last { $0.day <= first.day && $0.extrahepaticSpread != nil }
        let baseline = baselineStudy?.extrahepaticSpread
        var seen = false
        for e in t.assessments where e.day > first.day {
            guard let x = e.extrahepaticSpread else { continue }
            seen = true
            guard x.value else { continue }
            guard let b = baseline else {
                return .undetermined("extrahepatic spread on \(e.day) but no imaging on or before the first TACE recorded its absence")
            }
            if !b.value {
                return .met(e.day, "extrahepatic spread on \(e.day), absent before the first TACE (\(baselineStudy?.day.description ?? ""))",
                            [x.observation, b.observation])
            }
        }
        if baseline?.value == true { return .notMet("extrahepatic spread already present before the first TACE") }
        if !seen { return .noData("no extrahepatic-spread finding on imaging after the first TACE") }
        return .notMet("no extrahepatic spread appeared after the first TACE")
    }

    static func percentText(_ fraction: Double) -> String { NumberText.decimal(fraction * 100) + " %" }
}

/// The outcome of one clause over the whole timeline.
public enum Finding: Sendable {
    case met(ClinicalDay, String, [TypedObservation])
    case notMet(String)
    case undetermined(String)
    case noData(String)
}

/// Measurement text for rationales (value, comparator, unit), shared by the rules.
enum PTACEText {
    static func measurement(_ m: Measurement) -> String {
        let unit = m.unit.displayText
        return m.comparator.rawValue + NumberText.decimal(m.value) + (unit.isEmpty ? "" : (unit == "%" ? " %" : " " + unit))
    }
}
