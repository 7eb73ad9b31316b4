import Testing
import TACEModel
import TACEScoring
@testable import TACERefractoriness

/// Review 13: a TACE begun and aborted (`stopped`) or not performed (`not-done`) is no session, but it must not
/// vanish either: it breaks a chain of consecutive sessions (§4.2), so S1 and S3 around it are not consecutive.
/// Each definition is checked both ways: the same course with and without the attempt between two sessions.
@Suite("TACE attempts not completed break chains")
struct NotCompletedSessionTests {
    let c = RefractorinessConfiguration()

    static func attempt(_ status: ProcedureStatus, _ n: Int) -> TypedObservation {
        P.obs(.tace, .coded(status.rawValue), n, key: status.rawValue, type: "Procedure")
    }

    /// Sessions on `days`, each evaluated 30 days later with viable 70 %, target SD and overall SD (insufficient
    /// for JSH and Zhang, no objective response for IASL/Taiwan, no complete response for Europe); curative
    /// intent on the first; optionally an attempt on `attemptDay`.
    func course(_ days: [Int], attempt: (ProcedureStatus, Int)? = nil) -> PatientTimeline {
        var parts = days.enumerated().flatMap { i, d in
            P.tace(d, intent: i == 0 ? "curative" : nil) + [P.viable(70, d + 30), P.target("SD", d + 30), P.overall("SD", d + 30)]
        }
        if let (status, day) = attempt { parts.append(Self.attempt(status, day)) }
        return P.timeline(parts)
    }

    @Test("the reader's value is kept as an attempt, not a session performed", arguments: [ProcedureStatus.stopped, .notDone])
    func timelineKeepsTheAttempt(status: ProcedureStatus) {
        let t = course([0, 60], attempt: (status, 45))
        #expect(t.sessions.count == 3)
        #expect(t.performedSessions.map(\.day) == [P.day(0), P.day(60)])
        #expect(t.sessions[1].notCompleted?.value == status)
        #expect(t.sessions[1].isPerformed == false)
        let q = Primitives.qualifies(t.sessions[1], c)
        #expect(q.qualifies == false && q.assumed.isEmpty)
        #expect(q.reason == "TACE " + status.notCompletedText)
    }

    @Test func aCompletedRecordOnTheSameDayMakesItASessionPerformed() {
        let t = P.timeline(P.tace(0) + [Self.attempt(.stopped, 0)])
        #expect(t.sessions.count == 1)
        #expect(t.sessions[0].isPerformed)
        #expect(t.sessions[0].procedures.allSatisfy { $0.value == .event })
    }

    @Test func otherProcedureValuesAndOtherTreatmentsNotCompletedAreNotSessions() {
        let t = P.timeline([P.obs(.tace, .coded("in-progress"), 10, type: "Procedure"),
                            P.obs(.ablation, .coded("stopped"), 20, type: "Procedure")])
        #expect(t.sessions.isEmpty)
        #expect(t.otherTreatments.isEmpty)
    }

    @Test("JSH 2014 and 2021: two insufficient sessions with an attempt between are not consecutive",
          arguments: [ProcedureStatus.stopped, .notDone])
    func jshChainBroken(status: ProcedureStatus) {
        for d in [RefractorinessDefinition.jsh2014, .jsh2021] {
            let without = verdict(d, course([0, 60]), on: 300)
            #expect(without.status == .refractory && without.dayMet == P.day(90), "\(d)")
            let with = verdict(d, course([0, 60], attempt: (status, 45)), on: 300)
            #expect(with.status == .notRefractory, "\(d)")
            #expect(with.notes.contains { $0.contains("session \(P.day(45)) TACE \(status.notCompletedText): chain broken") }, "\(d)")
            // The attempt is part of what was evaluated (basis of a non-refractory verdict).
            #expect(with.evaluatedEvidence.contains { $0.value == .coded(status.rawValue) }, "\(d)")
            // chain.nonQualifyingSession=skip passes over it, like any session not adequately performed.
            let skipped = verdict(d, course([0, 60], attempt: (status, 45)), on: 300, c.with("chain.nonQualifyingSession", "skip"))
            #expect(skipped.status == .refractory && skipped.dayMet == P.day(90), "\(d)")
            #expect(skipped.notes.contains { $0.contains("TACE \(status.notCompletedText): skipped") }, "\(d)")
        }
    }

    @Test func zhangNeedsThreeConsecutiveSessionsWithoutAnAttemptBetween() {
        let without = verdict(.zhang2022, course([0, 60, 120]), on: 300)
        #expect(without.status == .refractory && without.dayMet == P.day(150))
        #expect(verdict(.zhang2022, course([0, 60, 120], attempt: (.stopped, 100)), on: 300).status == .notRefractory)
    }

    @Test func iaslAndTaiwanCountOnlySessionsOfOneChain() {
        let without = course([0, 60, 120])
        #expect(verdict(.iasl, without, on: 300).dayMet == P.day(150))
        #expect(verdict(.taiwan, without, on: 300).dayMet == P.day(90))
        // The attempt on day 45 splits [0] from [60, 120]: IASL has no window of three; Taiwan's two are the later ones.
        let with = course([0, 60, 120], attempt: (.stopped, 45))
        #expect(verdict(.iasl, with, on: 300).status == .notRefractory)
        let tw = verdict(.taiwan, with, on: 300)
        #expect(tw.status == .refractory && tw.dayMet == P.day(150))
        // Two sessions split by an attempt: no chain of two.
        #expect(verdict(.taiwan, course([0, 60], attempt: (.notDone, 45)), on: 300).status == .notRefractory)
    }

    @Test func europeCurativeRunIsBrokenByAnAttempt() {
        let without = verdict(.europe, course([0, 60]), on: 300)
        #expect(without.status == .refractory && without.dayMet == P.day(90))
        let with = verdict(.europe, course([0, 60], attempt: (.stopped, 45)), on: 300)
        #expect(with.status != .refractory)
        #expect(clause(without, "E1")?.outcome == .met)
        #expect(clause(with, "E1")?.outcome != .met)
        #expect(with.notes.contains { $0.contains("TACE begun and not completed (status stopped): chain broken") })
    }

    /// The attempt delivered no treatment: the first session's evaluation window and marker follow-up run on to the
    /// next session performed, and no marker rise is measured from the attempt.
    @Test func anAttemptEndsNeitherTheEvaluationWindowNorTheMarkerFollowUp() {
        let t = P.timeline(P.tace(0), [Self.attempt(.stopped, 20), P.viable(70, 30)])
        guard case .found(let e, let days) = Primitives.evaluation(ofSession: 0, in: t, c) else {
            Issue.record("the study on day 30 evaluates the session of day 0")
            return
        }
        #expect(e.day == P.day(30) && days == 30)
        let markers = P.timeline(P.tace(0), [P.afp(100, -1), Self.attempt(.notDone, 15), P.afp(130, 20), P.afp(140, 40)])
        let rise = Primitives.markerRise(session: 0, analyte: .afp, rule: .continuousElevation, in: markers, c)
        #expect(rise.outcome == .rise(P.day(40)))
        let fromAttempt = Primitives.markerRise(session: 1, analyte: .afp, rule: .continuousElevation, in: markers, c)
        #expect(fromAttempt.outcome == .unevaluable)
    }

    @Test func anAttemptAloneGivesNoSessionToJudge() {
        let t = P.timeline([Self.attempt(.stopped, 0), P.viable(70, 30)])
        #expect(t.performedSessions.isEmpty)
        #expect(verdict(.jsh2014, t, on: 300).status == .indeterminate)
        let scores = ReTreatmentScores.both(t, on: P.day(300))
        #expect(scores.allSatisfy { !$0.isComputed && $0.missing.contains { $0.hasPrefix("no TACE session") } })
    }

    @Test func anAttemptIsNeitherTACE1NorTACE2AndIsNamed() {
        let t = P.timeline(P.tace(0), [Self.attempt(.stopped, 30)], P.tace(60))
        let (inputs, _) = ReTreatmentInputs.gather(t, on: P.day(300), configuration: c, scoring: .init())
        #expect(inputs?.tace1.day == P.day(0))
        #expect(inputs?.tace2Day == P.day(60) && inputs?.tace2Planned == false)
        let art = ReTreatmentScores.art(t, on: P.day(300))
        #expect(art.notes.contains { $0.contains("not counted as TACE-1 or TACE-2: TACE attempt \(P.day(30)) begun and not completed (status stopped)") })
    }

    @Test func priorSessionsCountedForHAICFactorsAreTheOnesPerformed() {
        let t = P.timeline([0, 40, 80, 120, 160].flatMap { P.tace($0) }, [Self.attempt(.stopped, 20)])
        let notes = PostRefractorinessFactors.notes(in: t, on: P.day(200), scoring: .init())
        #expect(notes.contains { $0.contains("5 prior TACE session(s) (> 4): present") })
    }
}
