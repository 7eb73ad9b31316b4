import TACEModel
import TACEScoring

/// Which wording of the tumor-marker clause is applied.
public enum MarkerRule: Sendable {
    /// JSH 2014 "continuous elevation … even though a slight transient decrease is observed": the last follow-up
    /// ≥ baseline × (1 + `marker.r`) and none below baseline × (1 − `marker.d`).
    case continuousElevation
    /// JSH 2021 as applied by the 2024 HAIC paper, "not immediately decreased …, or only minimally decreased and
    /// then continuing to increase": none below baseline × (1 − `marker.d`), and the first follow-up ≥ baseline
    /// or the last above the first.
    case notDecreased
}

/// One analyte after one session (§4.2 `markerRise`).
public struct MarkerEvaluation: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// The rule holds from this day on (the follow-up value that completed it).
        case rise(ClinicalDay)
        case noRise
        case pending
        case unevaluable
        /// The follow-ups seen meet the rule but are fewer than `marker.minFollowUpValues` (the next session, the
        /// end of the window, another treatment or the evaluation day came first): a rise that cannot be confirmed.
        case unconfirmed
    }
    public var analyte: MarkerAnalyte
    public var outcome: Outcome
    public var detail: String
    public var evidence: [TypedObservation]
}

extension Primitives {
    /// `markerRise(S_i)` for one analyte: baseline = the last exact value within `marker.baselineDays` before the
    /// session (or on its day); follow-ups = exact values after it, up to `marker.followUpDays`, not after the next
    /// session, and before any other treatment. Needs `marker.minFollowUpValues` follow-ups and a baseline above
    /// `marker.minBaseline`. The rule is judged on all follow-ups up to the evaluation day (§4.2: the last one, and
    /// none below tolerance); it is dated by the earliest follow-up since which it has held throughout.
    public static func markerRise(session i: Int, analyte: MarkerAnalyte, rule: MarkerRule, in t: PatientTimeline,
                                  _ c: RefractorinessConfiguration) -> MarkerEvaluation {
        let s = t.sessions[i]
        let name = analyte.rawValue
        func result(_ o: MarkerEvaluation.Outcome, _ d: String, _ e: [TypedObservation] = []) -> MarkerEvaluation {
            MarkerEvaluation(analyte: analyte, outcome: o, detail: name + ": " + d, evidence: e)
        }
        if let nc = s.notCompleted { return result(.unevaluable, "TACE \(nc.value.notCompletedText): no treatment to follow") }
        let series = t.markers[analyte] ?? []
        guard !series.isEmpty else { return result(.unevaluable, "no values") }
        if c.chainBreakOnOtherTreatment, let other = t.otherTreatments.first(where: { $0.day == s.day }) {
            return result(.unevaluable, "session combined with \(other.concept.displayName.lowercased()) on the same day")
        }
        let exact = series.filter { $0.value.comparator == .equal }
        let baselineStart = s.day.adding(days: -c.markerBaselineDays)
        guard let baseline = exact.last(where: { $0.day >= baselineStart && $0.day <= s.day }) else {
            return result(.unevaluable, "no exact value in the \(c.markerBaselineDays) days up to the session")
        }
        let minimum = c.markerMinBaseline[analyte] ?? 0
        guard baseline.value.value > minimum else {
            return result(.unevaluable, "baseline \(PTACEText.measurement(baseline.value)) not above marker.minBaseline.\(name) = \(NumberText.exact(minimum))",
                          [baseline.observation])
        }
        let next = nextPerformedSession(after: i, in: t)
        var end = s.day.adding(days: c.markerFollowUpDays)
        if let next, next.day < end { end = next.day }
        var cut: OtherTreatment?
        if c.chainBreakOnOtherTreatment, let other = t.otherTreatments.first(where: { $0.day > s.day && $0.day <= end }) {
            cut = other
        }
        let stop = cut?.day ?? end.adding(days: 1)
        let followUps = exact.filter { $0.day > s.day && $0.day <= end && $0.day < stop }
        let m0 = baseline.value.value
        let upper = m0 * (1 + c.markerRise), lower = m0 * (1 - c.markerTolerance)
        func holds(_ prefix: ArraySlice<MarkerSample>) -> Bool {
            guard let first = prefix.first, let last = prefix.last else { return false }
            guard prefix.allSatisfy({ $0.value.value >= lower }) else { return false }
            switch rule {
            case .continuousElevation: return last.value.value >= upper
            case .notDecreased: return first.value.value >= m0 || last.value.value > first.value.value
            }
        }
        let values = followUps.map { PTACEText.measurement($0.value) }.joined(separator: ", ")
        let change = followUps.last.map { " (" + signedPercent($0.value.value / m0 - 1) + ")" } ?? ""
        let ruleText: String
        switch rule {
        case .continuousElevation:
            ruleText = "rise ≥ \(Primitives.percentText(c.markerRise)) with no value below −\(Primitives.percentText(c.markerTolerance))"
        case .notDecreased:
            ruleText = "not decreased (none below −\(Primitives.percentText(c.markerTolerance)); first ≥ baseline or still increasing)"
        }
        let text = "baseline \(PTACEText.measurement(baseline.value)) on \(baseline.day) → \(values.isEmpty ? "no follow-up" : values)\(change)"
        if followUps.count >= c.markerMinFollowUpValues {
            // §4.2: the rule is judged on every follow-up seen so far (the last one and none below tolerance),
            // never on an early part of them; a later fall below the tolerance or under the rise undoes it.
            // The rise is dated by the earliest follow-up from which the rule has held without interruption.
            guard holds(followUps[...]) else {
                return result(.noRise, text + "; " + ruleText + " not met", [baseline.observation] + followUps.map(\.observation))
            }
            var k = followUps.count
            while k - 1 >= c.markerMinFollowUpValues && holds(followUps[0..<(k - 1)]) { k -= 1 }
            let day = followUps[k - 1].day
            return result(.rise(day), text + "; " + ruleText + " met since \(day)",
                          [baseline.observation] + followUps.map(\.observation))
        }
        let windowOpen = next == nil && cut == nil && (t.asOfDay.map { $0 < end } ?? false)
        let need = "\(c.markerMinFollowUpValues) follow-up values needed (marker.minFollowUpValues), \(followUps.count) found"
            + (cut.map { " before \($0.concept.displayName.lowercased()) on \($0.day)" } ?? "")
        if holds(followUps[...]) {
            return result(.unconfirmed, text + "; " + ruleText + " on the values seen, not confirmable: " + need
                          + (windowOpen ? " so far" : ""), [baseline.observation] + followUps.map(\.observation))
        }
        return result(windowOpen ? .pending : .unevaluable, text + "; " + need)
    }

    /// The marker clause over all sessions: a rise (per `marker.combine` over `marker.analytes`) after
    /// `marker.consecutive` sessions in a row.
    public static func markerClause(rule: MarkerRule, in t: PatientTimeline, _ c: RefractorinessConfiguration) -> Finding {
        guard !t.performedSessions.isEmpty else { return .noData("no TACE session") }
        var run: [(day: ClinicalDay, detail: String, evidence: [TypedObservation])] = []
        var evaluated = 0
        var lastNoRise = ""
        var unevaluable: [String] = []
        var unconfirmed: [String] = []
        for i in t.sessions.indices {
            // An attempt not completed is no TACE to follow, and sessions around it are not consecutive.
            if t.sessions[i].notCompleted != nil { run = []; continue }
            let evaluations = c.markerAnalytes.map { markerRise(session: i, analyte: $0, rule: rule, in: t, c) }
            let open = evaluations.filter { $0.outcome == .unconfirmed }
            let decided = evaluations.filter { $0.outcome != .pending && $0.outcome != .unevaluable && $0.outcome != .unconfirmed }
            let rising = decided.filter { if case .rise = $0.outcome { return true } else { return false } }
            func day(_ e: MarkerEvaluation) -> ClinicalDay? { if case .rise(let d) = e.outcome { return d } else { return nil } }
            var met: ClinicalDay?
            switch c.markerCombine {
            case .any: met = rising.compactMap(day).min()
            case .all: met = !decided.isEmpty && rising.count == decided.count ? rising.compactMap(day).max() : nil
            }
            if !open.isEmpty {
                unconfirmed.append("after session \(t.sessions[i].day): " + open.map(\.detail).joined(separator: "; "))
            }
            if decided.isEmpty {
                unevaluable.append("session \(t.sessions[i].day): " + evaluations.map(\.detail).joined(separator: "; "))
                run = []
                continue
            }
            evaluated += 1
            if let met {
                let used = c.markerCombine == .any ? rising : decided
                run.append((met, "after session \(t.sessions[i].day): " + used.map(\.detail).joined(separator: "; "),
                            t.sessions[i].procedures + used.flatMap(\.evidence)))
                if run.count >= c.markerConsecutive {
                    return .met(met, run.map(\.detail).joined(separator: " | "), run.flatMap(\.evidence))
                }
            } else {
                run = []
                lastNoRise = "after session \(t.sessions[i].day): " + decided.map(\.detail).joined(separator: "; ")
            }
        }
        if !unconfirmed.isEmpty {
            // A rise seen but not confirmable is not "no data" and not "no rise" (review 7).
            return .undetermined("marker rise not confirmable: " + unconfirmed.joined(separator: " | "))
        }
        if evaluated == 0 {
            return .noData("no tumor-marker series evaluable" + (unevaluable.isEmpty ? "" : " (" + unevaluable.joined(separator: " | ") + ")"))
        }
        return .notMet(lastNoRise.isEmpty ? "no marker rise after \(c.markerConsecutive) consecutive session(s)" : lastNoRise)
    }

    static func signedPercent(_ x: Double) -> String {
        (x >= 0 ? "+" : "−") + NumberText.decimal(abs(x) * 100, maxFractionDigits: 1) + " %"
    }
}
