import TACEModel
import TACEScoring

/// Evaluates the refractoriness definitions over a patient timeline. Pure: the evaluation day is a
/// parameter, and nothing dated after it is seen.
public enum Refractoriness {
    /// Every definition in `definitions` (default: all, JSH-LCSGJ 2014 first), on `day`.
    /// `echoes`: the configuration texts, computed once per run by callers that evaluate many patients.
    public static func evaluate(_ definitions: [RefractorinessDefinition] = RefractorinessDefinition.allCases,
                                timeline: PatientTimeline, on day: ClinicalDay,
                                configuration: RefractorinessConfiguration = .init(),
                                scoring: ScoringConfiguration = .init(), echoes: ConfigurationEchoes? = nil) -> [RefractorinessVerdict] {
        let t = timeline.asOfDay == day ? timeline : timeline.asOf(day)
        let texts = echoes ?? ConfigurationEchoes(configuration, definitions: definitions)
        return definitions.map { evaluate($0, cutTimeline: t, day: day, configuration, scoring, echo: texts[$0]) }
    }

    /// The configuration text each definition echoes (its parameters and their values).
    public struct ConfigurationEchoes: Sendable {
        let texts: [RefractorinessDefinition: String]
        public init(_ c: RefractorinessConfiguration, definitions: [RefractorinessDefinition] = RefractorinessDefinition.allCases) {
            texts = Dictionary(uniqueKeysWithValues: definitions.map { ($0, c.echoText(for: $0.parameters)) })
        }
        subscript(_ d: RefractorinessDefinition) -> String? { texts[d] }
    }

    /// One definition on `day`.
    public static func evaluate(_ definition: RefractorinessDefinition, timeline: PatientTimeline, on day: ClinicalDay,
                                configuration: RefractorinessConfiguration = .init(),
                                scoring: ScoringConfiguration = .init()) -> RefractorinessVerdict {
        evaluate(definition, cutTimeline: timeline.asOfDay == day ? timeline : timeline.asOf(day), day: day, configuration, scoring)
    }

    static func evaluate(_ d: RefractorinessDefinition, cutTimeline t: PatientTimeline, day: ClinicalDay,
                         _ c: RefractorinessConfiguration, _ scoring: ScoringConfiguration, echo: String? = nil) -> RefractorinessVerdict {
        var clauses: [ClauseResult]
        var notes: [String]
        var primary: [String]
        switch d {
        case .jsh2014, .jsh2021:
            (clauses, notes) = JSHRule.clauses(d == .jsh2014 ? .y2014 : .y2021, in: t, c)
            primary = ["C1a-insufficient-response", "C1b-intrahepatic-progression"]
        case .iasl, .taiwan:
            let n = d == .iasl ? c.krMinSessions : c.twSessions
            let w = d == .iasl ? c.krWindowDays : c.twWindowDays
            let r = NoResponseWindowRule.finding(minSessions: n, windowDays: w, anchor: d == .iasl ? c.krAnchor : c.twAnchor, in: t, c)
            let code = d == .iasl ? "K1-no-response-within-window" : "T1-no-response-within-window"
            clauses = [ClauseResult(code: code, title: "no objective response after \(n) or more qualifying sessions within \(w) days",
                                    finding: r.finding)]
            notes = r.notes + [Primitives.assumedQualifyingNote(in: t, c)].compactMap { $0 }
            primary = [code]
        case .europe:
            (clauses, notes, primary) = EuropeanRule.clauses(in: t, c)
            if let note = Primitives.assumedQualifyingNote(in: t, c) { notes.append(note) }
        case .zhang2022:
            (clauses, notes) = ZhangRule.clauses(in: t, c)
            primary = ["Z1-insufficient-targeted-response"]
        }
        var verdict = assemble(d, day: day, clauses: clauses, notes: notes, primary: primary, sessions: t.performedSessions.count,
                               configurationText: echo ?? c.echoText(for: d.parameters))
        Self.applyImpreciseDates(&verdict, t)
        if verdict.status != .refractory { verdict.evaluatedEvidence = Self.evaluatedEvidence(d, in: t, c) }
        if verdict.status == .refractory {
            // On the evaluation day (review 19): the HAIC decision is taken now, on the current values and all
            // sessions so far, not on those of the day refractoriness was first met.
            verdict.notes += PostRefractorinessFactors.notes(in: t, on: day, scoring: scoring)
        }
        return verdict
    }

    /// The session procedures, the studies that evaluated them, and (JSH) the marker values around the sessions.
    static func evaluatedEvidence(_ d: RefractorinessDefinition, in t: PatientTimeline, _ c: RefractorinessConfiguration) -> [TypedObservation] {
        var out: [TypedObservation] = []
        for i in t.sessions.indices {
            out += t.sessions[i].procedures
            guard t.sessions[i].isPerformed else { continue }
            if case .found(let e, _) = Primitives.evaluation(ofSession: i, in: t, c) { out += e.observations }
        }
        if d == .jsh2014 || d == .jsh2021, let first = t.performedSessions.first {
            let start = first.day.adding(days: -c.markerBaselineDays)
            for analyte in c.markerAnalytes { out += (t.markers[analyte] ?? []).filter { $0.day >= start }.map(\.observation) }
        }
        if d == .europe { out += t.untreatableProgression.map(\.observation) }
        return out
    }

    /// Events dated only to a month or year cannot be placed on a day (review 8). A verdict already refractory
    /// before the first such period began stands (the event cannot touch anything before it); otherwise the
    /// verdict is indeterminate and says which dates were imprecise.
    static func applyImpreciseDates(_ v: inout RefractorinessVerdict, _ t: PatientTimeline) {
        guard !t.impreciseEvents.isEmpty else { return }
        let texts = t.impreciseEvents.map { o in
            "\(o.concept.displayName.lowercased()) dated \(o.effective.map { ClinicalTimeFormat.format($0) } ?? "?") (date imprecise: no day)"
        }
        let earliest = t.impreciseEvents.compactMap(PatientTimeline.periodStart).min()
        if v.status == .refractory, let met = v.dayMet, let earliest, met < earliest {
            v.notes.append("left out, dated after refractoriness was met: " + texts.joined(separator: ", "))
            return
        }
        v.status = .indeterminate
        v.dayMet = nil
        v.missing.append("a precise day for: " + texts.joined(separator: ", ")
                         + " — the rules count whole days, so these events could not be placed")
    }

    /// Refractory at the earliest met (triggering) clause; indeterminate when a clause could hold but cannot be
    /// decided, or the definition's primary clauses have no data at all; otherwise not refractory.
    static func assemble(_ d: RefractorinessDefinition, day: ClinicalDay, clauses: [ClauseResult], notes: [String],
                         primary: [String], sessions: Int, configurationText: String) -> RefractorinessVerdict {
        var missing: [String] = []
        let status: RefractorinessStatus
        let triggering = clauses.filter(\.triggers)
        let met = triggering.filter { $0.outcome == .met }
        let dayMet = met.compactMap(\.day).min()
        if sessions == 0 {
            status = .indeterminate
            missing.append("no TACE session recorded on or before \(day)")
        } else if !met.isEmpty {
            status = .refractory
        } else {
            let undetermined = triggering.filter { $0.outcome == .undetermined }
            let primaryClauses = triggering.filter { primary.contains($0.code) }
            if !undetermined.isEmpty {
                status = .indeterminate
                missing += undetermined.map { "\($0.code): \($0.detail)" }
            } else if !primaryClauses.isEmpty, primaryClauses.allSatisfy({ $0.outcome == .noData }) {
                status = .indeterminate
                missing += primaryClauses.map { "\($0.code): \($0.detail)" }
            } else {
                status = .notRefractory
            }
        }
        return RefractorinessVerdict(definition: d, evaluationDay: day, status: status, dayMet: status == .refractory ? dayMet : nil,
                                     clauses: clauses, missing: missing, notes: notes, configurationText: configurationText)
    }
}
