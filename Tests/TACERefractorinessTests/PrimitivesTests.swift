import Testing
import TACEModel
@testable import TACERefractoriness

@Suite("Shared primitives (clinical reference 4.2)")
struct PrimitivesTests {
    let c = RefractorinessConfiguration()

    func evaluationDays(_ t: PatientTimeline, _ i: Int = 0, asOf: Int = 400, _ c: RefractorinessConfiguration = .init()) -> Int? {
        if case .found(_, let d) = Primitives.evaluation(ofSession: i, in: t.asOf(P.day(asOf)), c) { return d }
        return nil
    }

    @Test("evaluation window: 27 days is too early, 28 and 92 count, 93 is too late", arguments: [(27, false), (28, true), (92, true), (93, false)])
    func evaluationWindow(days: Int, counts: Bool) {
        let t = P.timeline(P.tace(0), [P.viable(70, days)])
        #expect((evaluationDays(t) != nil) == counts)
    }

    @Test func theFirstStudyInTheWindowIsTheEvaluation() {
        let t = P.timeline(P.tace(0), [P.viable(70, 10), P.viable(60, 35), P.viable(20, 60)])
        #expect(evaluationDays(t) == 35)
    }

    @Test func anEvaluationMustNotFollowTheNextSession() {
        let t = P.timeline(P.tace(0), P.tace(40), [P.viable(70, 45)])
        #expect(evaluationDays(t) == nil)
        #expect(evaluationDays(t, 1) == nil)  // 5 days after the second session
        // §4.2: the evaluation must be before S(i+1): imaging on the next session's day does not count by default
        // (day 39 does), only with eval.nextSessionDayCounts=true.
        let onNextDay = P.timeline(P.tace(0), P.tace(40), [P.viable(70, 40)])
        #expect(evaluationDays(onNextDay) == nil)
        #expect(evaluationDays(onNextDay, asOf: 400, c.with("eval.nextSessionDayCounts", "true")) == 40)
        let dayBefore = P.timeline(P.tace(0), P.tace(40), [P.viable(70, 39)])
        #expect(evaluationDays(dayBefore) == 39)
    }

    @Test func aSessionTooSoonAfterTheLastIsUnevaluableWithTheReason() {
        let t = P.timeline(P.tace(0), P.tace(14))
        guard case .missing(let why) = Primitives.evaluation(ofSession: 0, in: t.asOf(P.day(100)), c) else {
            Issue.record("expected missing"); return
        }
        #expect(why.contains("14 days later"))
    }

    @Test func anOpenWindowIsPendingNotMissing() {
        let t = P.timeline(P.tace(0))
        if case .pending = Primitives.evaluation(ofSession: 0, in: t.asOf(P.day(91)), c) {} else { Issue.record("day 91 should be pending") }
        if case .missing = Primitives.evaluation(ofSession: 0, in: t.asOf(P.day(92)), c) {} else { Issue.record("day 92 should be missing") }
    }

    func study(_ obs: [TypedObservation]) -> ResponseAssessment {
        P.timeline(obs).assessments[0]
    }

    @Test("viable 50 % vs 51 %: > 50 % (JSH 2014) and ≥ 50 % (JSH 2021)", arguments: [
        (50.0, false, Tri.no), (51.0, false, Tri.yes), (50.0, true, Tri.yes), (49.0, true, Tri.no),
    ])
    func viableThreshold(percent: Double, inclusive: Bool, expected: Tri) {
        let j = Primitives.insufficient(study([P.viable(percent, 30)]), threshold: 0.5, inclusive: inclusive, targetedOnly: false, c)
        #expect(j.answer == expected)
    }

    @Test func censoredViablePercentsAreDecidedOnlyWhenTheWholeIntervalIsOnOneSide() {
        func answer(_ v: Double, _ cmp: Comparator) -> Tri {
            Primitives.insufficient(study([P.viable(v, 30, comparator: cmp)]), threshold: 0.5, inclusive: false, targetedOnly: false, c).answer
        }
        #expect(answer(50, .greaterThan) == .yes)
        #expect(answer(50, .greaterOrEqual) == .unknown)
        #expect(answer(50, .lessOrEqual) == .no)
        #expect(answer(60, .lessThan) == .unknown)
    }

    @Test func mRECISTTargetDecidesWithoutAViablePercent() {
        func answer(_ obs: [TypedObservation], targetedOnly: Bool = false, _ c: RefractorinessConfiguration = .init()) -> Tri {
            Primitives.insufficient(study(obs), threshold: 0.5, inclusive: false, targetedOnly: targetedOnly, c).answer
        }
        #expect(answer([P.target("SD", 30)]) == .yes)
        #expect(answer([P.target("PD", 30)]) == .yes)
        #expect(answer([P.target("PR", 30)]) == .no)
        #expect(answer([P.target("CR", 30)]) == .no)
        // The viable percent wins over mRECIST by default, and not with insufficient.source=mRECIST.
        #expect(answer([P.target("PR", 30), P.viable(80, 30)]) == .yes)
        #expect(answer([P.target("PR", 30), P.viable(80, 30)], c.with("insufficient.source", "mRECIST")) == .no)
        // Overall category: not used by default (§4.2/§5.3: target category only); an opt-in fallback for JSH,
        // never for Zhang (targeted lesions only).
        #expect(answer([P.overall("SD", 30)]) == .unknown)
        #expect(answer([P.overall("PR", 30)]) == .unknown)
        let fallback = c.with("insufficient.overallFallback", "true")
        #expect(answer([P.overall("SD", 30)], fallback) == .yes)
        #expect(answer([P.overall("PR", 30)], fallback) == .no)
        #expect(answer([P.overall("SD", 30)], targetedOnly: true, fallback) == .unknown)
        #expect(answer([P.count(3, 30)]) == .unknown)
    }

    @Test func severalLesionsAggregateAsConfigured() {
        let s = study([P.viable(80, 30, key: "a"), P.viable(10, 30, key: "b")])
        #expect(Primitives.insufficient(s, threshold: 0.5, inclusive: false, targetedOnly: false, c).answer == .yes)
        #expect(Primitives.insufficient(s, threshold: 0.5, inclusive: false, targetedOnly: false,
                                        c.with("insufficient.aggregation", "allLesions")).answer == .no)
    }

    @Test func objectiveResponseIsOverallCROrPR() {
        #expect(Primitives.objectiveResponse(study([P.overall("PR", 30)]), c).answer == .yes)
        #expect(Primitives.objectiveResponse(study([P.overall("SD", 30), P.target("PR", 30)]), c).answer == .no)
        #expect(Primitives.objectiveResponse(study([P.target("CR", 30)]), c).answer == .yes)
        #expect(Primitives.objectiveResponse(study([P.target("CR", 30), P.newLesions(1, 30)]), c).answer == .no)
        #expect(Primitives.objectiveResponse(study([P.viable(10, 30)]), c).answer == .unknown)
    }

    @Test func intrahepaticProgressionComparesWithTheCountBeforeTheSession() {
        let t = P.timeline([P.count(2, -3)], P.tace(0), [P.count(3, 30)], P.tace(60), [P.count(3, 90)])
        let first = Primitives.intrahepaticProgression(t.assessments[1], session: t.sessions[0], in: t, c)
        #expect(first.answer == .yes)
        let second = Primitives.intrahepaticProgression(t.assessments[2], session: t.sessions[1], in: t, c)
        #expect(second.answer == .no)
        // Without a count to compare with, new lesions say nothing about the number by default (§4.2);
        // progression.newLesionsImplyIncrease=true reads 1+ new lesions as an increase, 0 as none.
        let lesions = P.timeline(P.tace(0), [P.newLesions(2, 30)])
        #expect(Primitives.intrahepaticProgression(lesions.assessments[0], session: lesions.sessions[0], in: lesions, c).answer == .unknown)
        let imply = c.with("progression.newLesionsImplyIncrease", "true")
        #expect(Primitives.intrahepaticProgression(lesions.assessments[0], session: lesions.sessions[0], in: lesions, imply).answer == .yes)
        let none = P.timeline(P.tace(0), [P.newLesions(0, 30)])
        #expect(Primitives.intrahepaticProgression(none.assessments[0], session: none.sessions[0], in: none, imply).answer == .no)
        let pd = P.timeline(P.tace(0), [P.overall("PD", 30)])
        #expect(Primitives.intrahepaticProgression(pd.assessments[0], session: pd.sessions[0], in: pd, c).answer == .unknown)
        #expect(Primitives.intrahepaticProgression(pd.assessments[0], session: pd.sessions[0], in: pd,
                                                   c.with("progression.alsoCountMRECIST_PD", "true")).answer == .yes)
    }

    // MARK: markers

    func rise(_ followUps: [Double], baseline: Double = 100, rule: MarkerRule = .continuousElevation,
              _ c: RefractorinessConfiguration = .init()) -> MarkerEvaluation.Outcome {
        var obs = P.tace(0) + [P.afp(baseline, -2)]
        for (k, v) in followUps.enumerated() { obs.append(P.afp(v, 20 * (k + 1))) }
        let t = P.timeline(obs).asOf(P.day(200))
        return Primitives.markerRise(session: 0, analyte: .afp, rule: rule, in: t, c).outcome
    }

    @Test("marker rise 19 % vs 20 % vs 21 % (marker.r = 0.20)", arguments: [(119.0, false), (120.0, true), (121.0, true)])
    func markerRiseBoundary(last: Double, rises: Bool) {
        let outcome = rise([110, last])
        #expect((outcome == .rise(P.day(40))) == rises)
        #expect((outcome == .noRise) == !rises)
    }

    @Test("a slight transient decrease is tolerated (−19 %, −20 %), a larger one is not (−21 %)", arguments: [(81.0, true), (80.0, true), (79.0, false)])
    func transientDecrease(dip: Double, rises: Bool) {
        #expect((rise([dip, 130]) == .rise(P.day(40))) == rises)
    }

    @Test("the last follow-up in the window decides: a rise followed by 121 stays, by 119 or 30 it is undone",
          arguments: [(121.0, true), (119.0, false), (30.0, false)])
    func laterFollowUpDecides(last: Double, rises: Bool) {
        // 125 (d20), 126 (d40) meet the rule on their own; the third follow-up (d60) decides (§4.2).
        #expect(rise([125, 126, last]) == (rises ? .rise(P.day(40)) : .noRise))
    }

    @Test("a dip below tolerance anywhere in the window is no rise (79), at the tolerance (80) the rise dates from the value after it",
          arguments: [(79.0, false), (80.0, true)])
    func dipInsideWindow(dip: Double, rises: Bool) {
        #expect(rise([125, dip, 130]) == (rises ? .rise(P.day(60)) : .noRise))
    }

    @Test("the baseline may be 30 days before the session, not 31 (marker.baselineDays)", arguments: [(30, true), (31, false)])
    func markerBaselineDays(daysBefore: Int, rises: Bool) {
        let t = P.timeline(P.tace(0) + [P.afp(100, -daysBefore), P.afp(130, 20), P.afp(140, 40)]).asOf(P.day(200))
        let o = Primitives.markerRise(session: 0, analyte: .afp, rule: .continuousElevation, in: t, c).outcome
        #expect(o == (rises ? .rise(P.day(40)) : .unevaluable))
    }

    @Test("a follow-up 92 days after the session counts, 93 days does not (marker.followUpDays)", arguments: [(92, true), (93, false)])
    func markerFollowUpDays(lastDay: Int, counts: Bool) {
        // 130 on day 20, then 70 (below tolerance) on the last day: inside the window it undoes the rise.
        let t = P.timeline(P.tace(0) + [P.afp(100, -2), P.afp(130, 20), P.afp(140, 40), P.afp(70, lastDay)]).asOf(P.day(200))
        let o = Primitives.markerRise(session: 0, analyte: .afp, rule: .continuousElevation, in: t, c).outcome
        #expect(o == (counts ? .noRise : .rise(P.day(40))))
    }

    @Test func markerNeedsBaselineAboveMinimumAndTwoFollowUps() {
        #expect(rise([30, 40], baseline: 20) == .unevaluable)      // AFP baseline must exceed 20 ng/mL
        #expect(rise([30, 40], baseline: 21) == .rise(P.day(40)))
        #expect(rise([300]) == .unconfirmed)                        // one follow-up only (window closed at day 200): a rise not confirmable
        #expect(rise([120]) == .unconfirmed)
        #expect(rise([119]) == .unevaluable)                        // one value, and it does not rise either
        #expect(rise([300], RefractorinessConfiguration().with("marker.minFollowUpValues", "1")) == .rise(P.day(20)))
    }

    @Test func jsh2021MarkerRuleCountsAMarkerThatDidNotDecrease() {
        #expect(rise([110, 119], rule: .notDecreased) == .rise(P.day(40)))   // not decreased at all
        #expect(rise([95, 99], rule: .notDecreased) == .rise(P.day(40)))     // slight decrease, then increasing
        #expect(rise([95, 90], rule: .notDecreased) == .noRise)
        #expect(rise([70, 130], rule: .notDecreased) == .noRise)             // −30 %: a real decrease
    }

    @Test func markerFollowUpStopsAtTheNextSessionAndAtAnotherTreatment() {
        let obs = P.tace(0) + [P.afp(100, -2), P.afp(110, 20), P.other(.ablation, 30), P.afp(200, 40)]
        let t = P.timeline(obs).asOf(P.day(200))
        #expect(Primitives.markerRise(session: 0, analyte: .afp, rule: .continuousElevation, in: t, c).outcome == .unevaluable)
        let off = c.with("chain.breakOnOtherTreatment", "false")
        #expect(Primitives.markerRise(session: 0, analyte: .afp, rule: .continuousElevation, in: t, off).outcome == .rise(P.day(40)))
    }

    // MARK: vascular invasion, extrahepatic spread

    @Test func newVascularInvasionNeedsRecordedAbsenceBeforeTheFirstSession() {
        let met = Primitives.newVascularInvasion(in: P.timeline([P.vp(0, -5)], P.tace(0), [P.vp(2, 30)]), c)
        if case .met(let d, _, let e) = met { #expect(d == P.day(30)); #expect(e.count == 2) } else { Issue.record("\(met)") }
        if case .undetermined = Primitives.newVascularInvasion(in: P.timeline(P.tace(0), [P.vp(2, 30)]), c) {} else { Issue.record("expected undetermined") }
        if case .notMet = Primitives.newVascularInvasion(in: P.timeline([P.vp(1, -5)], P.tace(0), [P.vp(3, 30)]), c) {} else {
            Issue.record("pre-existing invasion is not an appearance")
        }
        // Vp1 counts by default, not with mvi.minGrade=Vp2.
        let vp1 = P.timeline([P.vp(0, -5)], P.tace(0), [P.vp(1, 30)])
        if case .met = Primitives.newVascularInvasion(in: vp1, c) {} else { Issue.record("Vp1 should count") }
        if case .notMet = Primitives.newVascularInvasion(in: vp1, c.with("mvi.minGrade", "Vp2")) {} else { Issue.record("Vp1 below Vp2") }
        // Hepatic vein invasion counts unless excluded.
        let vv = P.timeline([P.vv(0, -5)], P.tace(0), [P.vv(1, 30)])
        if case .met = Primitives.newVascularInvasion(in: vv, c) {} else { Issue.record("Vv1 should count") }
        if case .noData = Primitives.newVascularInvasion(in: vv, c.with("mvi.includeHepaticVein", "false")) {} else { Issue.record("Vv excluded") }
    }

    @Test func newExtrahepaticSpread() {
        if case .met(let d, _, _) = Primitives.newExtrahepaticSpread(in: P.timeline([P.ehs(false, -5)], P.tace(0), [P.ehs(true, 60)]), c) {
            #expect(d == P.day(60))
        } else { Issue.record("expected met") }
        if case .undetermined = Primitives.newExtrahepaticSpread(in: P.timeline(P.tace(0), [P.ehs(true, 60)]), c) {} else { Issue.record("no baseline") }
        if case .notMet = Primitives.newExtrahepaticSpread(in: P.timeline([P.ehs(true, -5)], P.tace(0), [P.ehs(true, 60)]), c) {} else {
            Issue.record("already present")
        }
        if case .noData = Primitives.newExtrahepaticSpread(in: P.timeline(P.tace(0)), c) {} else { Issue.record("no data") }
    }

    @Test func sessionQualificationAssumesUnrecordedAttributesByDefault() {
        let t = P.timeline(P.tace(0), P.tace(40, selectivity: "selective", adequacy: "inadequate"))
        let first = Primitives.qualifies(t.sessions[0], c)
        #expect(first.qualifies && first.assumed == ["selective", "adequate"])
        #expect(!Primitives.qualifies(t.sessions[1], c).qualifies)
        #expect(!Primitives.qualifies(t.sessions[0], c.with("session.assumeQualifying", "false")).qualifies)
    }
}
