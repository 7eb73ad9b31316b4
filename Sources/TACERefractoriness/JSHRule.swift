import TACEModel

/// JSH-LCSGJ 2014 (§4.3) and JSH 2021 (§4.4, with the 2021 wording of §4.0): refractory at the earliest
/// day any of C1a, C1b, C2, C3, C4 holds.
enum JSHRule {
    enum Edition { case y2014, y2021 }

    static func clauses(_ edition: Edition, in t: PatientTimeline, _ c: RefractorinessConfiguration)
        -> (clauses: [ClauseResult], notes: [String]) {
        let threshold = edition == .y2014 ? c.insufficientThreshold : c.jsh2021Threshold
        let inclusive = edition == .y2021
        let mode: RunMode = edition == .y2014 ? .consecutiveResponses
            : (c.jsh2021RunRule == .consecutiveResponses ? .consecutiveResponses : .lastResponse)
        let n = c.jshMinConsecutive
        let op = inclusive ? "≥" : ">"

        let insufficient = Primitives.searchRun(length: n, mode: mode, requireModification: c.jshRequireModification, in: t, c) { _, e in
            Primitives.insufficient(e, threshold: threshold, inclusive: inclusive, targetedOnly: false, c)
        }
        let c1aTitle = mode == .consecutiveResponses
            ? "\(n) or more consecutive insufficient responses (viable \(op) \(Primitives.percentText(threshold)))"
            : "insufficient response (viable \(op) \(Primitives.percentText(threshold))) after \(n) or more consecutive sessions"
        let c1a = ClauseResult(code: "C1a-insufficient-response", title: c1aTitle,
                               finding: runFinding(insufficient, length: n, mode: mode, what: "insufficient responses", c,
                                                   modificationMatters: true))

        let progression = Primitives.searchRun(length: n, mode: mode, requireModification: false, in: t, c) { i, e in
            Primitives.intrahepaticProgression(e, session: t.sessions[i], in: t, c)
        }
        let c1b = ClauseResult(code: "C1b-intrahepatic-progression",
                               title: "\(n) or more consecutive progressions in the liver (tumor number increased vs before the session)",
                               finding: runFinding(progression, length: n, mode: mode, what: "intrahepatic progressions", c,
                                                   modificationMatters: false))

        let markerRule: MarkerRule = edition == .y2014 || c.jsh2021MarkerRule == .sameAs2014 ? .continuousElevation : .notDecreased
        let markerTitle = markerRule == .continuousElevation
            ? "continuous elevation of tumor markers right after TACE"
            : "tumor marker not decreased right after TACE, or only slightly and then increasing"
        let c2 = ClauseResult(code: "C2-tumor-marker-elevation", title: markerTitle,
                              finding: Primitives.markerClause(rule: markerRule, in: t, c))
        let c3 = ClauseResult(code: "C3-new-vascular-invasion", title: "appearance of vascular invasion",
                              finding: Primitives.newVascularInvasion(in: t, c))
        let c4 = ClauseResult(code: "C4-new-extrahepatic-spread", title: "appearance of extrahepatic spread",
                              finding: Primitives.newExtrahepaticSpread(in: t, c))

        var notes = insufficient.notes
        if !insufficient.assumed.isEmpty {
            notes.append("assumed selective and adequate (session.assumeQualifying=true): " + insufficient.assumed.joined(separator: ", "))
        }
        return ([c1a, c1b, c2, c3, c4], notes)
    }

    /// A run search as a clause finding.
    static func runFinding(_ r: RunSearch, length n: Int, mode: RunMode, what: String, _ c: RefractorinessConfiguration,
                           modificationMatters: Bool) -> Finding {
        if let steps = r.hit, let last = steps.last {
            var text = steps.map(\.text).joined(separator: "; ")
            if mode == .lastResponse, let first = r.chainSessions.first {
                text = "after \(r.chainSessions.count) consecutive qualifying sessions from \(first.day): " + text
            }
            if modificationMatters {
                text += r.modificationRecorded ? "; agent change or feeding-artery reanalysis recorded"
                    : "; no agent change or feeding-artery reanalysis recorded"
            }
            let evidence = r.chainSessions.flatMap(\.evidence) + steps.flatMap(\.judgement.evidence)
            return .met(last.evaluation.day, text, evidence)
        }
        if let blocked = r.blockedByModification {
            return .undetermined(blocked.map(\.text).joined(separator: "; ")
                + "; but no agent change or feeding-artery reanalysis recorded after the first (jsh.requireModification=true)")
        }
        if let steps = r.undecidable {
            let unknown = steps.filter { $0.judgement.answer == .unknown }
            let count = mode == .consecutiveResponses ? "\(n) consecutive \(what)" : "\(what) after \(n) consecutive sessions"
            return .undetermined("could be \(count), but " + unknown.map { "the evaluation \($0.evaluation.day) of TACE \($0.session.day) cannot be judged (\($0.judgement.detail))" }
                .joined(separator: "; ") + " — run: " + steps.map(\.text).joined(separator: "; "))
        }
        if r.evaluatedSessions == 0 {
            return .noData("no qualifying session with an evaluable CT/MRI response (see notes)")
        }
        let count = mode == .consecutiveResponses ? "\(n) consecutive \(what)" : "\(what) after \(n) consecutive sessions"
        return .notMet("no \(count) (\(r.evaluatedSessions) session(s) evaluated)")
    }
}
