import TACEModel

/// "No objective response after N qualifying sessions within a window" — the IASL / Korean rule (§4.5:
/// N = `kr.minSessions` = 3, 183 days) and the Taiwanese / expert-panel rule (§4.7: N = `tw.sessions` = 2).
///
/// Windows start at an anchor session (`kr.anchor`, `tw.anchor`) and hold the qualifying sessions of one chain dated
/// within `windowDays` of it. Refractory when a window holds N or more evaluated sessions and no session of the
/// window (§4.5: "¬∃ S ∈ sessions_in_W : objectiveResponse") had an objective response (mRECIST CR/PR), as far
/// as known on the evaluation day; dated by the evaluation of the N-th. An unevaluable session in the window
/// could have responded: undetermined.
enum NoResponseWindowRule {
    static func finding(minSessions n: Int, windowDays w: Int, anchor anchoring: WindowAnchor, in t: PatientTimeline, _ c: RefractorinessConfiguration)
        -> (finding: Finding, notes: [String]) {
        guard !t.sessions.isEmpty else { return (.noData("no TACE session"), []) }
        var notes: [String] = []
        let chains = Primitives.chains(in: t, c, notes: &notes)
        var best: (day: ClinicalDay, text: String, evidence: [TypedObservation])?
        var undetermined: String?
        var evaluated = Set<Int>()
        var lastReason = ""
        for chain in chains {
            var a = 0
            while a < chain.count {
                let anchor = t.sessions[chain[a]]
                let end = anchor.day.adding(days: w)
                let window = chain[a...].prefix { t.sessions[$0].day <= end }
                var steps: [(day: ClinicalDay, text: String)] = []
                var evidence: [TypedObservation] = []
                var unknown: [String] = []
                var responded = false
                // §4.5: every session of the window counts — one objective response anywhere in it (also after the
                // N-th) means no refractoriness from this window. Evaluations not yet due on the evaluation day are
                // not known yet and do not count either way.
                for i in window {
                    let s = t.sessions[i]
                    switch Primitives.evaluation(ofSession: i, in: t, c) {
                    case .pending:
                        continue
                    case .missing(let why):
                        unknown.append("session \(s.day) unevaluable (\(why))")
                    case .found(let e, let days):
                        if let other = Primitives.otherTreatment(in: t, from: s.day, to: e.day, c) {
                            unknown.append("session \(s.day): \(other.concept.displayName.lowercased()) on \(other.day) before its evaluation")
                            continue
                        }
                        let j = Primitives.objectiveResponse(e, c)
                        switch j.answer {
                        case .yes:
                            evaluated.insert(i)
                            if !responded {
                                lastReason = "objective response after session \(s.day) (\(j.detail) on \(e.day)), within \(w) days of \(anchor.day)"
                            }
                            responded = true
                        case .no:
                            evaluated.insert(i)
                            steps.append((e.day, "TACE \(s.day) → \(e.day) (+\(days) d): \(j.detail)"))
                            evidence += s.procedures + j.evidence
                        case .unknown:
                            unknown.append("session \(s.day): evaluation \(e.day) has \(j.detail)")
                        }
                    }
                }
                if !responded, steps.count >= n, unknown.isEmpty {
                    let day = steps[n - 1].day
                    if best.map({ day < $0.day }) ?? true {
                        best = (day, "\(steps.count) qualifying sessions from \(anchor.day) within \(w) days, none with objective response: "
                                    + steps.map(\.text).joined(separator: "; "), evidence)
                    }
                }
                if !responded, best == nil, window.count >= n, !unknown.isEmpty, undetermined == nil {
                    undetermined = "\(window.count) qualifying sessions from \(anchor.day) within \(w) days without objective response seen, but " + unknown.joined(separator: "; ")
                }
                if !responded, window.count < n, lastReason.isEmpty {
                    lastReason = "fewer than \(n) qualifying sessions within \(w) days of \(anchor.day)"
                }
                switch anchoring {
                case .rolling: a += 1
                case .firstSession:
                    let next = chain[a...].firstIndex { t.sessions[$0].day > end }
                    a = next ?? chain.count
                }
            }
        }
        if let best { return (.met(best.day, best.text, best.evidence), notes) }
        if let undetermined { return (.undetermined(undetermined), notes) }
        if evaluated.isEmpty { return (.noData("no qualifying session with an mRECIST evaluation"), notes) }
        return (.notMet(lastReason.isEmpty ? "no window of \(n) sessions without objective response" : lastReason), notes)
    }
}
