import Testing
import TACEModel
@testable import TACERefractoriness

@Suite("IASL, Taiwan, European and Zhang 2022 definitions")
struct OtherDefinitionsTests {
    let c = RefractorinessConfiguration()

    /// Sessions on the given days, each evaluated 30 days later with an overall mRECIST category.
    func course(_ sessions: [(day: Int, overall: String)]) -> PatientTimeline {
        P.timeline(sessions.flatMap { P.tace($0.day) + [P.overall($0.overall, $0.day + 30)] })
    }

    // MARK: IASL / Taiwan

    @Test func iaslNeedsThreeSessionsWithoutResponseWithinSixMonths() {
        let t = course([(0, "SD"), (60, "SD"), (120, "PD")])
        let v = verdict(.iasl, t, on: 300)
        #expect(v.status == .refractory)
        #expect(v.dayMet == P.day(150))
        // Two sessions are not enough for IASL, but are for Taiwan (tw.sessions = 2), dated at the second evaluation.
        #expect(verdict(.iasl, t, on: 120).status == .notRefractory)
        let tw = verdict(.taiwan, t, on: 300)
        #expect(tw.status == .refractory && tw.dayMet == P.day(90))
        #expect(verdict(.taiwan, t, on: 300, c.with("tw.sessions", "3")).dayMet == P.day(150))
    }

    @Test("the third session on day 183 is inside the window, on day 184 outside", arguments: [(183, RefractorinessStatus.refractory), (184, .notRefractory)])
    func windowBoundary(third: Int, expected: RefractorinessStatus) {
        let t = course([(0, "SD"), (90, "SD"), (third, "SD")])
        #expect(verdict(.iasl, t, on: 400).status == expected)
    }

    /// Review 11: sessions d0, 45, 90 SD and d150 PR (inside the 183-day window): §4.5 needs no response in the
    /// whole window, so not refractory once the d180 evaluation is known; refractory as of day 170, before it.
    @Test("a response later in the window undoes IASL/Taiwan", arguments: [("PR", RefractorinessStatus.notRefractory), ("SD", .refractory)])
    func aResponseLaterInTheWindowCounts(fourth: String, expected: RefractorinessStatus) {
        let t = course([(0, "SD"), (45, "SD"), (90, "SD"), (150, fourth)])
        for d in [RefractorinessDefinition.iasl, .taiwan] {
            let v = verdict(d, t, on: 400)
            #expect(v.status == expected)
            if expected == .refractory { #expect(v.dayMet == P.day(d == .iasl ? 120 : 75)) }
            #expect(verdict(d, t, on: 170).status == .refractory)
        }
        // A fourth session on day 184 is outside the window: its response does not count.
        let outside = course([(0, "SD"), (45, "SD"), (90, "SD"), (184, "PR")])
        #expect(verdict(.iasl, outside, on: 400).status == .refractory)
    }

    /// Review 12 (§4.1): every definition says which session attributes it assumed.
    @Test func iaslTaiwanAndEuropeSayWhatWasAssumed() {
        let assumed = course([(0, "SD"), (60, "SD"), (120, "SD")])
        for d in RefractorinessDefinition.allCases {
            #expect(verdict(d, assumed, on: 300).notes.contains { $0.contains("assumed selective and adequate") }, "\(d)")
        }
        let recorded = P.timeline([0, 60, 120].flatMap { P.tace($0, selectivity: "selective", adequacy: "adequate", intent: "curative") + [P.overall("SD", $0 + 30)] })
        for d in RefractorinessDefinition.allCases {
            #expect(!verdict(d, recorded, on: 300).notes.contains { $0.contains("assumed selective and adequate") }, "\(d)")
        }
    }

    @Test func aRollingAnchorFindsALaterWindow() {
        let t = course([(0, "SD"), (150, "SD"), (200, "SD"), (250, "SD")])
        #expect(verdict(.iasl, t, on: 400).status == .notRefractory)  // windows from day 0, then from day 200
        // Taiwan has its own anchor (review 17): kr.anchor does not move it.
        let tw = course([(0, "PR"), (150, "SD"), (200, "SD")])
        #expect(verdict(.taiwan, tw, on: 400).status == .notRefractory)  // windows from day 0 (PR inside), then day 200 alone
        #expect(verdict(.taiwan, tw, on: 400, c.with("kr.anchor", "rolling")).status == .notRefractory)
        let twRolling = verdict(.taiwan, tw, on: 400, c.with("tw.anchor", "rolling"))
        #expect(twRolling.status == .refractory && twRolling.dayMet == P.day(230))
        let rolling = verdict(.iasl, t, on: 400, c.with("kr.anchor", "rolling"))
        #expect(rolling.status == .refractory && rolling.dayMet == P.day(280))
    }

    @Test func anObjectiveResponseInTheWindowIsNotRefractory() {
        let v = verdict(.iasl, course([(0, "SD"), (60, "PR"), (120, "SD")]), on: 300)
        #expect(v.status == .notRefractory)
        #expect(clause(v, "K1")?.detail.contains("objective response after session 2025-03-11") == true)
    }

    @Test func anUnevaluatedSessionInTheWindowIsIndeterminate() {
        let t = P.timeline(P.tace(0), P.tace(60), [P.overall("SD", 90)], P.tace(120), [P.overall("SD", 150)])
        let v = verdict(.iasl, t, on: 300)
        #expect(v.status == .indeterminate)
        #expect(v.missing.first?.contains("unevaluable") == true)
    }

    @Test func otherTreatmentStartsANewEpisode() {
        let t = P.timeline(P.tace(0), [P.overall("SD", 30), P.other(.ablation, 40)], P.tace(60), [P.overall("SD", 90)],
                           P.tace(120), [P.overall("SD", 150)])
        #expect(verdict(.iasl, t, on: 300).status == .notRefractory)
        #expect(verdict(.taiwan, t, on: 300).dayMet == P.day(150))
    }

    // MARK: Europe

    @Test func curativeIntentFailsWithoutCompleteResponseAfterTwoSessions() {
        let t = P.timeline(P.tace(0, intent: "curative"), [P.target("PR", 30)], P.tace(60), [P.target("SD", 90)])
        let v = verdict(.europe, t, on: 200)
        #expect(v.status == .refractory)
        #expect(v.dayMet == P.day(90))
        #expect(v.notes.first?.contains("carried forward") == true)
        let cr = P.timeline(P.tace(0, intent: "bridging"), [P.target("PR", 30)], P.tace(60), [P.target("CR", 90)])
        #expect(verdict(.europe, cr, on: 200).status == .notRefractory)
        #expect(verdict(.europe, t, on: 200, c.with("eu.maxSessions", "3")).status == .notRefractory)
    }

    /// Review 9: a curative failure stays a failure when later sessions are palliative (§4.6 ties failure to the
    /// intent of the sessions concerned); a palliative session inside the run breaks it instead.
    @Test func aLaterPalliativeIntentDoesNotEraseACurativeFailure() {
        let failed = P.timeline(P.tace(0, intent: "curative"), [P.target("SD", 30)], P.tace(60), [P.target("SD", 90)],
                                P.tace(120, intent: "palliative"), [P.target("SD", 150)])
        let v = verdict(.europe, failed, on: 300)
        #expect(v.status == .refractory)
        #expect(v.dayMet == P.day(90))
        #expect(clause(v, "E1")?.outcome == .met)
        let broken = P.timeline(P.tace(0, intent: "curative"), [P.target("SD", 30)], P.tace(60, intent: "palliative"), [P.target("SD", 90)],
                                P.tace(120), [P.target("SD", 150)])
        let b = verdict(.europe, broken, on: 300)
        #expect(clause(b, "E1")?.outcome == .notMet)
        #expect(b.status == .indeterminate)  // palliative: no clinician assertion recorded
    }

    @Test func palliativeIntentIsRefractoryOnlyWhenAClinicianSaysSo() {
        let base = P.tace(0, intent: "palliative") + [P.overall("PD", 30), P.vp(0, -5), P.vp(3, 30)] + P.tace(60) + [P.overall("PD", 90)]
        let silent = verdict(.europe, P.timeline(base), on: 200)
        #expect(silent.status == .indeterminate)
        #expect(silent.missing.first?.contains("Vp3 on 2025-02-09") == true)  // a proxy is listed, not used
        let asserted = verdict(.europe, P.timeline(base + [P.coded(.untreatableProgression, "present", 100)]), on: 200)
        #expect(asserted.status == .refractory && asserted.dayMet == P.day(100))
        let denied = verdict(.europe, P.timeline(base + [P.coded(.untreatableProgression, "absent", 100)]), on: 200)
        #expect(denied.status == .notRefractory)
    }

    @Test func withoutIntentTheEuropeanViewIsIndeterminate() {
        let v = verdict(.europe, P.timeline(P.twoSessions(viable: 80, 80)), on: 200)
        #expect(v.status == .indeterminate)
        #expect(v.missing.first?.contains("treatment intent not recorded") == true)
        let noCarry = P.timeline(P.tace(0, intent: "curative"), [P.target("SD", 30)], P.tace(60), [P.target("SD", 90)])
        #expect(verdict(.europe, noCarry, on: 200, c.with("intent.carryForward", "false")).status == .indeterminate)
    }

    @Test func downstagingIsNotAutomated() {
        let t = P.timeline(P.tace(0, intent: "downstaging"), [P.target("SD", 30)], P.tace(60), [P.target("SD", 90)])
        #expect(verdict(.europe, t, on: 200).status == .indeterminate)
    }

    // MARK: Zhang 2022

    @Test func zhangNeedsThreeConsecutiveInsufficientResponses() {
        let two = P.timeline(P.twoSessions(viable: 70, 80))
        #expect(verdict(.zhang2022, two, on: 200).status == .notRefractory)
        let three = P.timeline(P.twoSessions(viable: 70, 80), P.tace(120), [P.target("SD", 150)])
        let v = verdict(.zhang2022, three, on: 300)
        #expect(v.status == .refractory && v.dayMet == P.day(150))
    }

    @Test("Zhang: viable 50 % is not insufficient, 51 % is (> 50 %)", arguments: [(50.0, RefractorinessStatus.notRefractory), (51.0, .refractory)])
    func zhangViableBoundary(third: Double, expected: RefractorinessStatus) {
        let t = P.timeline(P.twoSessions(viable: 70, 80), P.tace(120), [P.viable(third, 150)])
        #expect(verdict(.zhang2022, t, on: 300).status == expected)
    }

    @Test("Taiwan: the second session on day 183 is inside the window, on day 184 outside",
          arguments: [(183, RefractorinessStatus.refractory), (184, .notRefractory)])
    func taiwanWindowBoundary(second: Int, expected: RefractorinessStatus) {
        let t = course([(0, "SD"), (second, "SD")])
        #expect(verdict(.taiwan, t, on: 400).status == expected)
    }

    @Test func zhangIgnoresTheOverallCategory() {
        let t = course([(0, "SD"), (60, "SD"), (120, "SD")])
        let v = verdict(.zhang2022, t, on: 300)
        #expect(v.status == .indeterminate)
        // Studies that say nothing about the targeted lesions: no data (indeterminate as well).
        #expect(clause(v, "Z1")?.outcome == .noData)
    }

    @Test func zhangWithAnUnjudgeableThirdEvaluationIsIndeterminate() {
        let open = P.timeline(P.twoSessions(viable: 70, 80), P.tace(120), [P.viable(40, 150, comparator: .greaterThan)])
        #expect(verdict(.zhang2022, open, on: 300).status == .indeterminate)
        let below = P.timeline(P.twoSessions(viable: 70, 80), P.tace(120), [P.viable(40, 150, comparator: .lessThan)])
        #expect(verdict(.zhang2022, below, on: 300).status == .notRefractory)
    }

    @Test func newLesionsInvasionSpreadAndMarkersAreContextOnlyForZhang() {
        let t = P.timeline([P.vp(0, -5), P.ehs(false, -5), P.count(1, -5), P.afp(100, -1)],
                           P.tace(0), [P.vp(3, 30), P.ehs(true, 30), P.count(4, 30), P.target("PR", 30), P.afp(150, 20), P.afp(200, 40)])
        let z = verdict(.zhang2022, t, on: 100)
        #expect(z.status == .notRefractory)
        let context = z.clauses.filter { !$0.triggers }
        #expect(context.count == 4 && context.allSatisfy { $0.outcome == .met })
        #expect(z.rationale.contains("context (does not trigger) context-new-vascular-invasion met"))
        #expect(verdict(.jsh2014, t, on: 100).status == .refractory)
    }
}
