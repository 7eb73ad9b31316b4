import TACEModel

/// The European intent-based view (§4.6). Failure is tied to the intent of the sessions it concerns (review 9),
/// so a later change of intent does not erase an earlier failure:
/// curative or bridging sessions — failure when `eu.maxSessions` consecutive qualifying sessions of that intent
/// are each evaluated without complete response of the target lesions (stable disease counts as failure);
/// palliative sessions — only a clinician's recorded "untreatable progression" (on or after the first palliative
/// session) makes the patient refractory (stable disease is effective; proxies are listed, never used);
/// downstaging — needs local criteria, not automated.
enum EuropeanRule {
    static func clauses(in t: PatientTimeline, _ c: RefractorinessConfiguration) -> (clauses: [ClauseResult], notes: [String], primary: [String]) {
        let e1Code = "E1-no-complete-response", e2Code = "E2-untreatable-progression"
        let e1Title = "no complete response after \(c.euMaxSessions) sessions (curative or bridging intent)"
        let e2Title = "clinician-recorded untreatable progression (palliative intent)"
        guard !t.sessions.isEmpty else {
            return ([ClauseResult(code: e1Code, title: e1Title, finding: .noData("no TACE session")),
                     ClauseResult(code: e2Code, title: e2Title, finding: .noData("no TACE session"))], [], [e1Code, e2Code])
        }
        let intents = t.sessions.map { (session: $0, intent: Primitives.intent(of: $0, in: t, c)) }
        guard intents.contains(where: { $0.intent != nil }) else {
            let why = "treatment intent not recorded" + (c.intentCarryForward ? "" : " on the session day (intent.carryForward=false)")
            return ([ClauseResult(code: e1Code, title: e1Title, finding: .undetermined(why)),
                     ClauseResult(code: e2Code, title: e2Title, finding: .undetermined(why))], [], [e1Code, e2Code])
        }
        var notes = ["intent per session: " + intents.map { s, i in
            guard let i else { return "\(s.day) not recorded" }
            return "\(s.day) \(i.value.rawValue) (recorded \(i.day)\(i.day == s.day ? "" : ", carried forward") [evidence: \(EvidenceLabel.of(i.observation))])"
        }.joined(separator: ", ")]
        func has(_ wanted: Set<TreatmentIntent>) -> Bool { intents.contains { $0.intent.map { wanted.contains($0.value) } ?? false } }
        var primary: [String] = []

        let e1: ClauseResult
        if has([.curative, .bridging]) {
            let run = Primitives.searchRun(length: c.euMaxSessions, requireModification: false, in: t, c, include: { s in
                // A session without a recorded intent may belong to the run: judged below, never a silent break.
                guard let i = Primitives.intent(of: s, in: t, c) else { return nil }
                return i.value == .curative || i.value == .bridging ? nil : "with \(i.value.rawValue) intent"
            }) { k, e in
                let cr = Primitives.completeResponse(e, c)
                var answer: Tri = cr.answer == .yes ? .no : cr.answer == .no ? .yes : .unknown
                if answer == .yes, Primitives.intent(of: t.sessions[k], in: t, c) == nil {
                    answer = .unknown
                    return Judgement(answer: answer, detail: "session intent not recorded; " + cr.detail, evidence: cr.evidence)
                }
                return Judgement(answer: answer, detail: (answer == .yes ? "no complete response: " : "") + cr.detail, evidence: cr.evidence)
            }
            notes += run.notes
            e1 = ClauseResult(code: e1Code, title: e1Title,
                              finding: JSHRule.runFinding(run, length: c.euMaxSessions, mode: .consecutiveResponses,
                                                          what: "sessions without complete response", c, modificationMatters: false))
            primary.append(e1Code)
        } else if has([.downstaging]) {
            e1 = ClauseResult(code: e1Code, title: "downstaging criteria not met after \(c.euMaxSessions) sessions",
                              finding: .undetermined("downstaging success depends on local criteria (e.g. within Milan); not automated"))
            primary.append(e1Code)
        } else {
            e1 = ClauseResult(code: e1Code, title: e1Title, finding: .noData("applies to curative or bridging intent only"))
        }

        let e2: ClauseResult
        if let firstPalliative = intents.first(where: { $0.intent?.value == .palliative })?.session.day {
            let finding: Finding
            if let a = t.untreatableProgression.last(where: { $0.day >= firstPalliative }) {
                finding = a.value
                    ? .met(a.day, "untreatable progression recorded by a clinician on \(a.day)", [a.observation])
                    : .notMet("clinician recorded no untreatable progression on \(a.day)")
            } else {
                let proxies = proxies(in: t, c)
                finding = .undetermined("no clinician assertion of untreatable progression recorded (the adapter never infers it)"
                    + (proxies.isEmpty ? "" : "; possible signs, not used: " + proxies.joined(separator: "; ")))
            }
            e2 = ClauseResult(code: e2Code, title: e2Title, finding: finding)
            primary.append(e2Code)
        } else {
            e2 = ClauseResult(code: e2Code, title: e2Title, finding: .noData("applies to palliative intent only"))
        }
        return ([e1, e2], notes, primary)
    }

    /// Signs a clinician may weigh for "untreatable progression" (reported only).
    static func proxies(in t: PatientTimeline, _ c: RefractorinessConfiguration) -> [String] {
        var out: [String] = []
        if case .met(_, let text, _) = Primitives.newVascularInvasion(in: t, c) { out.append(text) }
        if case .met(_, let text, _) = Primitives.newExtrahepaticSpread(in: t, c) { out.append(text) }
        let progression = Primitives.searchRun(length: 1, requireModification: false, in: t, c) { i, e in
            Primitives.intrahepaticProgression(e, session: t.sessions[i], in: t, c)
        }
        if let step = progression.hit?.first { out.append("intrahepatic progression: " + step.judgement.detail + " on \(step.evaluation.day)") }
        if let first = t.sessions.first, let before = t.ecog.last(where: { $0.day <= first.day }), let now = t.ecog.last, now.value > before.value {
            out.append("ECOG \(before.value) → \(now.value) (\(now.day))")
        }
        return out
    }
}
