import TACEModel
import TACEScoring

/// Where the evaluation day of a run came from. When TACE-2 is not recorded yet, ART and ABCR read the
/// values "before TACE-2" as of the evaluation day, so their rationale must say which day that was — and,
/// when it is merely the day of the run, that another day can give another result (review 18).
public enum EvaluationDayOrigin: Sendable {
    /// A day the user gave (`--as-of`).
    case asOf
    /// The day the program ran (no as-of day given).
    case runDay
}

/// What ART and ABCR read (clinical reference §6): values before the first TACE, values before the second
/// (recorded, or as of the evaluation day when only one session is recorded — never silently "today"), and
/// the radiological response to the first. TACE-1 and TACE-2 are sessions in which TACE was performed; an
/// attempt not completed is neither (and is named in the rationale).
public struct ReTreatmentInputs: Sendable {
    public var tace1: TACESession
    /// The day of the second TACE, or the evaluation day when it is not recorded yet (`tace2Planned`).
    public var tace2Day: ClinicalDay
    public var tace2Planned: Bool
    /// Where `tace2Day` came from when TACE-2 is not recorded.
    public var dayOrigin: EvaluationDayOrigin = .asOf
    /// TACE attempts not completed up to TACE-2 (not counted as TACE-1 or TACE-2).
    public var attemptsNotCompleted: [TACESession] = []
    /// The index of TACE-1 in the timeline's sessions.
    var tace1Index = 0
    /// Laboratory and clinical values from `art.labLookbackDays` before TACE-1 up to its day.
    public var before1: [TypedObservation]
    /// Values after TACE-1, from `art.labLookbackDays` before TACE-2 up to its day.
    public var before2: [TypedObservation]
    /// The evaluation of TACE-1 (§4.2 `evalFor`), if any.
    public var evaluation: EvaluationLookup
    public var scoring: ScoringConfiguration
    public var configuration: RefractorinessConfiguration

    /// `nil` with the reason when there is no first TACE, or no day after it to stand for the second.
    public static func gather(_ t: PatientTimeline, on day: ClinicalDay, dayOrigin: EvaluationDayOrigin = .asOf,
                              configuration c: RefractorinessConfiguration,
                              scoring: ScoringConfiguration) -> (inputs: ReTreatmentInputs?, reason: String?) {
        let cut = t.asOfDay == day ? t : t.asOf(day)
        let performed = cut.sessions.indices.filter { cut.sessions[$0].isPerformed }
        guard let firstIndex = performed.first else { return (nil, "no TACE session recorded on or before \(day)") }
        let first = cut.sessions[firstIndex]
        let second = performed.count > 1 ? cut.sessions[performed[1]] : nil
        let tace2Day = second?.day ?? day
        guard tace2Day > first.day else {
            return (nil, "the evaluation day is the day of the first TACE: there is no interval before a second one")
        }
        var s = scoring
        s.labLookbackDays = Double(c.artLabLookbackDays)
        func within(_ from: ClinicalDay, _ to: ClinicalDay) -> [TypedObservation] {
            cut.observations.filter { o in o.effective.map { ClinicalDay($0) >= from && ClinicalDay($0) <= to } ?? false }
        }
        let before1 = within(first.day.adding(days: -c.artLabLookbackDays), first.day)
        let start2 = max(first.day.adding(days: 1), tace2Day.adding(days: -c.artLabLookbackDays))
        let before2 = within(start2, tace2Day)
        var inputs = ReTreatmentInputs(tace1: first, tace2Day: tace2Day, tace2Planned: second == nil, before1: before1,
                                       before2: before2, evaluation: Primitives.evaluation(ofSession: firstIndex, in: cut, c), scoring: s,
                                       configuration: c)
        inputs.dayOrigin = dayOrigin
        inputs.tace1Index = firstIndex
        inputs.attemptsNotCompleted = cut.sessions.filter { !$0.isPerformed && $0.day <= tace2Day }
        return (inputs, nil)
    }

    /// Child-Pugh before TACE-1 and before TACE-2: the points, or the inputs that are missing.
    public var childPugh: (before1: ChildPughOutcome, before2: ChildPughOutcome) {
        (Self.childPugh(before1, on: tace1.day, scoring), Self.childPugh(before2, on: tace2Day, scoring))
    }

    public enum ChildPughOutcome: Sendable {
        case scored(points: Int, evidence: [TypedObservation])
        case missing([Concept])
    }

    /// Child-Pugh through `TACEScoring`; when an input concept is absent from the window altogether the
    /// assessor (and its rationale) is not needed to say so.
    static func childPugh(_ values: [TypedObservation], on day: ClinicalDay, _ scoring: ScoringConfiguration) -> ChildPughOutcome {
        let coagulation: Concept = scoring.childPughCoagulationInput == .inr ? .inr : .prothrombinTimeProlongation
        let needed: [Concept] = [.bilirubinTotal, .albumin, coagulation, .ascites, .encephalopathy]
        let absent = needed.filter { c in !values.contains { $0.concept == c } }
        if !absent.isEmpty { return .missing(absent) }
        let a = ChildPughAssessor.assess(observations: values, index: IndexDate(time: day.clinicalTime, source: .asOf), configuration: scoring)
        if let r = a.result { return .scored(points: r.points, evidence: a.evidence) }
        return .missing(a.missingConcepts)
    }

    /// The latest exact value of a quantity concept in a set of values.
    static func latestExact(_ concept: Concept, in observations: [TypedObservation], index: ClinicalDay,
                            scoring: ScoringConfiguration) -> (observation: TypedObservation?, measurement: Measurement?, gap: String?) {
        let sel = InputSelection.select(concept, from: observations, index: index.clinicalTime, configuration: scoring)
        guard let o = sel.observation, let m = o.value.measurement else { return (nil, nil, sel.gap?.explanation ?? "no value") }
        return (o, m, nil)
    }

    /// The radiological response to TACE-1: mRECIST CR/PR (§4.2 `objectiveResponse`).
    public var response: (judgement: Judgement?, reason: String?) {
        switch evaluation {
        case .found(let e, let days):
            let j = Primitives.objectiveResponse(e, configuration)
            if j.answer == .unknown { return (nil, "evaluation \(e.day) after TACE-1: \(j.detail)") }
            return (Judgement(answer: j.answer, detail: j.detail + " on \(e.day) (+\(days) d)", evidence: j.evidence), nil)
        case .pending:
            return (nil, "the evaluation window after TACE-1 is still open")
        case .missing(let why):
            return (nil, "TACE-1 not evaluated (\(why))")
        }
    }

    /// How TACE-1 and TACE-2 were chosen, for the rationale: when TACE-2 is not recorded, which day stood for it
    /// and where that day came from.
    var tace2Text: String {
        var text: String
        if !tace2Planned {
            text = "second TACE \(tace2Day)"
        } else {
            switch dayOrigin {
            case .asOf:
                text = "second TACE not yet recorded: values before it taken as of the evaluation day \(tace2Day) (the as-of day given)"
            case .runDay:
                text = "second TACE not yet recorded: values before it taken as of \(tace2Day), the day of this run (no as-of day given,"
                    + " so a run on another day can give another result; give the planned day of TACE-2 as the as-of day)"
            }
        }
        if !attemptsNotCompleted.isEmpty {
            text += "; not counted as TACE-1 or TACE-2: " + attemptsNotCompleted.map { s in
                "TACE attempt \(s.day) " + (s.notCompleted.map { $0.value.notCompletedText } ?? "not completed")
            }.joined(separator: ", ")
        }
        return text
    }
}
