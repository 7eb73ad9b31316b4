import TACEModel

/// One session of a chain and the study that evaluated it.
public struct ChainStep: Sendable {
    public var session: TACESession
    public var evaluation: ResponseAssessment
    public var daysAfter: Int
    public var judgement: Judgement

    var text: String { "TACE \(session.day) → \(evaluation.day) (+\(daysAfter) d): \(judgement.detail)" }
    var evidence: [TypedObservation] { session.procedures + judgement.evidence }
}

/// The result of looking for a run of consecutive qualifying sessions whose evaluations all meet a predicate.
public struct RunSearch: Sendable {
    /// The first run that meets the rule (length, and a recorded modification where required).
    public var hit: [ChainStep]?
    /// The first run of the required length that lacked a required modification (`jsh.requireModification`).
    public var blockedByModification: [ChainStep]?
    /// Sessions whose evaluation answered the predicate (yes or no).
    public var evaluatedSessions = 0
    /// Why chains were broken or sessions passed over, in session order.
    public var notes: [String] = []
    /// Sessions taken as selective/adequate because that was not recorded.
    public var assumed: [String] = []
    /// Whether the hit run (or the last run seen) has a recorded agent change or feeding-artery reanalysis.
    public var modificationRecorded = false
    /// The sessions of the hit chain (with `lastResponse`, also those before the evaluated one).
    public var chainSessions: [TACESession] = []
    /// Without a hit: the first run that would meet the rule if every evaluation that could not be judged
    /// (predicate `unknown`) went the rule's way — the clause is then undetermined, not "not met".
    public var undecidable: [ChainStep]?
}

/// How a run is counted.
public enum RunMode: Sendable {
    /// Each of N consecutive qualifying sessions has an evaluation meeting the predicate.
    case consecutiveResponses
    /// The evaluation after the N-th (or a later) consecutive qualifying session meets the predicate.
    case lastResponse
}

extension Primitives {
    /// Consecutive qualifying sessions (§4.2 "consecutive"): a non-qualifying session breaks the chain or is
    /// skipped (`chain.nonQualifyingSession`); another treatment between two sessions, or between a session and
    /// its evaluation, breaks it (`chain.breakOnOtherTreatment`); a session without evaluation breaks it
    /// (`eval.missingBreaksChain`) or is passed over; a "no" from the predicate ends the run.
    /// `include` limits the sessions that may belong to a chain (others break it), e.g. by intent.
    public static func searchRun(length n: Int, mode: RunMode = .consecutiveResponses, requireModification: Bool,
                                 in t: PatientTimeline, _ c: RefractorinessConfiguration,
                                 include: ((TACESession) -> String?)? = nil,
                                 predicate: (Int, ResponseAssessment) -> Judgement) -> RunSearch {
        var out = search(length: n, mode: mode, requireModification: requireModification, in: t, c, include: include,
                         unknownCounts: false, predicate: predicate)
        if out.hit == nil && out.blockedByModification == nil {
            // Could an evaluation that cannot be judged (e.g. viable ">40 %", a study with only a tumor count)
            // complete a run? Then the clause is undecidable (review 6), never silently "not met". A run made
            // only of studies that say nothing on the clause (no censored value, no judged step) stays "no data",
            // as a clause without any data.
            let optimistic = search(length: n, mode: mode, requireModification: false, in: t, c, include: include,
                                    unknownCounts: true, predicate: predicate)
            if let steps = optimistic.hit ?? optimistic.blockedByModification,
               steps.contains(where: { $0.judgement.answer == .unknown }),
               steps.contains(where: { $0.judgement.answer == .yes || !$0.judgement.evidence.isEmpty }) {
                out.undecidable = steps
            }
        }
        return out
    }

    static func search(length n: Int, mode: RunMode, requireModification: Bool, in t: PatientTimeline,
                       _ c: RefractorinessConfiguration, include: ((TACESession) -> String?)?, unknownCounts: Bool,
                       predicate: (Int, ResponseAssessment) -> Judgement) -> RunSearch {
        var out = RunSearch()
        var run: [ChainStep] = []
        var chain: [TACESession] = []
        func reset(_ note: String?) {
            if let note { out.notes.append(note) }
            run = []
            chain = []
        }
        for (i, s) in t.sessions.enumerated() {
            let q = qualifies(s, c)
            if !q.assumed.isEmpty { out.assumed.append("\(s.day) (\(q.assumed.joined(separator: ", ")) not recorded)") }
            var exclusion = q.reason
            if exclusion == nil, let include { exclusion = include(s) }
            if let why = exclusion {
                if c.chainNonQualifyingSession == .breakChain {
                    reset("session \(s.day) \(why): chain broken")
                } else {
                    out.notes.append("session \(s.day) \(why): skipped")
                }
                continue
            }
            if let previous = chain.last, let other = otherTreatment(in: t, from: previous.day, to: s.day, c) {
                reset("\(other.concept.displayName.lowercased()) on \(other.day) between sessions \(previous.day) and \(s.day): chain broken")
            }
            chain.append(s)
            switch evaluation(ofSession: i, in: t, c) {
            case .pending:
                out.notes.append("session \(s.day): evaluation window still open")
                continue
            case .missing(let why):
                if c.evalMissingBreaksChain {
                    run = []
                    out.notes.append("session \(s.day) unevaluable (\(why)): chain broken")
                } else {
                    out.notes.append("session \(s.day) unevaluable (\(why)): passed over")
                }
                continue
            case .found(let e, let days):
                if let other = otherTreatment(in: t, from: s.day, to: e.day, c) {
                    reset("\(other.concept.displayName.lowercased()) on \(other.day) between session \(s.day) and its evaluation \(e.day): chain broken")
                    continue
                }
                let j = predicate(i, e)
                let step = ChainStep(session: s, evaluation: e, daysAfter: days, judgement: j)
                switch unknownCounts && j.answer == .unknown ? .yes : j.answer {
                case .unknown:
                    if c.evalMissingBreaksChain {
                        run = []
                        out.notes.append("session \(s.day): evaluation \(e.day) not usable (\(j.detail)): chain broken")
                    } else {
                        out.notes.append("session \(s.day): evaluation \(e.day) not usable (\(j.detail)): passed over")
                    }
                case .no:
                    out.evaluatedSessions += 1
                    run = []
                case .yes:
                    out.evaluatedSessions += 1
                    run.append(step)
                    let candidate: [ChainStep]?
                    let sessions: [TACESession]
                    switch mode {
                    case .consecutiveResponses:
                        candidate = run.count >= n ? run : nil
                        sessions = run.map(\.session)
                    case .lastResponse:
                        candidate = chain.count >= n ? [step] : nil
                        sessions = chain
                    }
                    guard let steps = candidate else { continue }
                    let modified = sessions.dropFirst().contains { $0.modificationRecorded }
                    out.modificationRecorded = modified
                    if !requireModification || modified {
                        out.hit = steps
                        out.chainSessions = sessions
                        return out
                    }
                    if out.blockedByModification == nil { out.blockedByModification = steps }
                }
            }
        }
        return out
    }

    /// The qualifying sessions split into chains (broken by non-qualifying sessions when they break chains,
    /// and by other treatments between sessions).
    static func chains(in t: PatientTimeline, _ c: RefractorinessConfiguration, notes: inout [String]) -> [[Int]] {
        var out: [[Int]] = []
        var current: [Int] = []
        for (i, s) in t.sessions.enumerated() {
            let q = qualifies(s, c)
            if let why = q.reason {
                if c.chainNonQualifyingSession == .breakChain {
                    notes.append("session \(s.day) \(why): chain broken")
                    if !current.isEmpty { out.append(current) }
                    current = []
                } else {
                    notes.append("session \(s.day) \(why): skipped")
                }
                continue
            }
            if let p = current.last, let other = otherTreatment(in: t, from: t.sessions[p].day, to: s.day, c) {
                notes.append("\(other.concept.displayName.lowercased()) on \(other.day) between sessions \(t.sessions[p].day) and \(s.day): chain broken")
                out.append(current)
                current = []
            }
            current.append(i)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
