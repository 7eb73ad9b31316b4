import TACEModel

/// Zhang et al. 2022 (§4.8): `zh.minConsecutive` consecutive insufficient responses of the targeted lesions
/// (viable-tumor percent or mRECIST target category; never the overall category). New lesions, vascular
/// invasion, extrahepatic spread and tumor markers are reported as context and never trigger.
enum ZhangRule {
    static func clauses(in t: PatientTimeline, _ c: RefractorinessConfiguration) -> (clauses: [ClauseResult], notes: [String]) {
        let n = c.zhMinConsecutive
        let run = Primitives.searchRun(length: n, requireModification: false, in: t, c) { _, e in
            Primitives.insufficient(e, threshold: c.insufficientThreshold, inclusive: false, targetedOnly: true, c)
        }
        let z1 = ClauseResult(code: "Z1-insufficient-targeted-response",
                              title: "\(n) consecutive insufficient responses of the targeted lesions",
                              finding: JSHRule.runFinding(run, length: n, mode: .consecutiveResponses,
                                                          what: "insufficient responses of targeted lesions", c, modificationMatters: false))
        let newLesions = Primitives.searchRun(length: 1, requireModification: false, in: t, c) { i, e in
            Primitives.intrahepaticProgression(e, session: t.sessions[i], in: t, c)
        }
        let context = [
            ClauseResult(code: "context-new-intrahepatic-lesions", title: "new intrahepatic lesions",
                         finding: JSHRule.runFinding(newLesions, length: 1, mode: .consecutiveResponses, what: "progressions", c,
                                                     modificationMatters: false), triggers: false),
            ClauseResult(code: "context-new-vascular-invasion", title: "vascular invasion",
                         finding: Primitives.newVascularInvasion(in: t, c), triggers: false),
            ClauseResult(code: "context-new-extrahepatic-spread", title: "extrahepatic spread",
                         finding: Primitives.newExtrahepaticSpread(in: t, c), triggers: false),
            ClauseResult(code: "context-tumor-marker-elevation", title: "tumor-marker elevation",
                         finding: Primitives.markerClause(rule: .continuousElevation, in: t, c), triggers: false),
        ]
        var notes = run.notes
        if !run.assumed.isEmpty {
            notes.append("assumed selective and adequate (session.assumeQualifying=true): " + run.assumed.joined(separator: ", "))
        }
        return ([z1] + context, notes)
    }
}
