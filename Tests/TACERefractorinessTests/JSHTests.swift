import Testing
import TACEModel
@testable import TACERefractoriness

@Suite("JSH-LCSGJ 2014 and JSH 2021")
struct JSHTests {
    let c = RefractorinessConfiguration()

    @Test func twoConsecutiveInsufficientResponsesAreRefractoryOnTheSecondEvaluation() {
        let t = P.timeline(P.twoSessions(viable: 70, 80))
        let v = verdict(.jsh2014, t, on: 200)
        #expect(v.status == .refractory)
        #expect(v.dayMet == P.day(90))
        let c1a = clause(v, "C1a")
        #expect(c1a?.outcome == .met)
        #expect(c1a?.day == P.day(90))
        let ids = Set(c1a?.evidence.compactMap(\.source.resourceReference) ?? [])
        #expect(ids == ["Procedure/tace-procedure-d0", "Procedure/tace-procedure-d60",
                        "Observation/viable-tumor-percent-d30", "Observation/viable-tumor-percent-d90"])
        #expect(v.rationale.contains("C1a-insufficient-response met on 2025-04-10"))
        #expect(v.rationale.contains("no agent change or feeding-artery reanalysis recorded"))
    }

    @Test func theVerdictSeesNothingAfterTheEvaluationDay() {
        let t = P.timeline(P.twoSessions(viable: 70, 80))
        #expect(verdict(.jsh2014, t, on: 89).status == .notRefractory)
        #expect(verdict(.jsh2014, t, on: 90).status == .refractory)
    }

    @Test("evaluation 27 days after the second session does not count, 28 days does", arguments: [(27, RefractorinessStatus.notRefractory), (28, .refractory)])
    func evaluationDayBoundary(after: Int, expected: RefractorinessStatus) {
        let t = P.timeline(P.tace(0), [P.viable(70, 30)], P.tace(60), [P.viable(80, 60 + after)])
        let v = verdict(.jsh2014, t, on: 200)
        #expect(v.status == expected)
        if expected == .notRefractory {
            #expect(v.notes.contains { $0.contains("session 2025-03-11 unevaluable") })
        }
    }

    @Test("viable 50 % vs 51 %: JSH 2014 (> 50 %) and JSH 2021 (≥ 50 %) differ at 50 %", arguments: [
        (50.0, RefractorinessStatus.notRefractory, RefractorinessStatus.refractory),
        (51.0, .refractory, .refractory),
        (49.0, .notRefractory, .notRefractory),
    ])
    func viableBoundary(percent: Double, jsh2014: RefractorinessStatus, jsh2021: RefractorinessStatus) {
        let t = P.timeline(P.twoSessions(viable: percent, percent))
        #expect(verdict(.jsh2014, t, on: 200).status == jsh2014)
        #expect(verdict(.jsh2021, t, on: 200).status == jsh2021)
    }

    @Test("a non-selective or inadequate session between two insufficient responses breaks the chain",
          arguments: [("non-selective", "adequate"), ("selective", "inadequate")])
    func nonQualifyingSessionBreaksChain(selectivity: String, adequacy: String) {
        let t = P.timeline(P.tace(0), [P.viable(70, 30)],
                           P.tace(60, selectivity: selectivity, adequacy: adequacy), [P.viable(70, 90)],
                           P.tace(120), [P.viable(70, 150)])
        let v = verdict(.jsh2014, t, on: 300)
        #expect(v.status == .notRefractory)
        #expect(v.notes.contains { $0.contains("session 2025-03-11 not") && $0.contains("chain broken") })
        // Passed over instead (chain.nonQualifyingSession=skip), sessions 1 and 3 are consecutive.
        let skip = verdict(.jsh2014, t, on: 300, c.with("chain.nonQualifyingSession", "skip"))
        #expect(skip.status == .refractory)
        #expect(skip.dayMet == P.day(150))
        // And a third qualifying session after the broken one starts a new chain.
        let more = P.timeline(P.tace(0), [P.viable(70, 30)], P.tace(60, selectivity: "non-selective"), [P.viable(70, 90)],
                              P.tace(120), [P.viable(70, 150)], P.tace(180), [P.viable(70, 210)])
        #expect(verdict(.jsh2014, more, on: 300).dayMet == P.day(210))
    }

    @Test("another treatment between sessions breaks the chain", arguments: [Concept.ablation, .systemicTherapy, .resection])
    func otherTreatmentBreaksChain(treatment: Concept) {
        let t = P.timeline(P.tace(0), [P.viable(70, 30), P.other(treatment, 45)], P.tace(60), [P.viable(80, 90)])
        let v = verdict(.jsh2014, t, on: 200)
        #expect(v.status == .notRefractory)
        #expect(v.notes.contains { $0.contains("between sessions") })
        #expect(verdict(.jsh2014, t, on: 200, c.with("chain.breakOnOtherTreatment", "false")).status == .refractory)
    }

    @Test func anotherTreatmentBetweenASessionAndItsEvaluationSpoilsThatEvaluation() {
        let t = P.timeline(P.tace(0), [P.viable(70, 30)], P.tace(60), [P.other(.ablation, 70), P.viable(80, 90)])
        #expect(verdict(.jsh2014, t, on: 200).status == .notRefractory)
    }

    @Test func aSufficientResponseResetsTheRun() {
        let t = P.timeline(P.tace(0), [P.viable(70, 30)], P.tace(60), [P.viable(20, 90)], P.tace(120), [P.viable(70, 150)])
        #expect(verdict(.jsh2014, t, on: 300).status == .notRefractory)
    }

    @Test func aMissingEvaluationBreaksTheChainUnlessConfiguredOtherwise() {
        let t = P.timeline(P.tace(0), [P.viable(70, 30)], P.tace(60), P.tace(120), [P.viable(70, 150)])
        #expect(verdict(.jsh2014, t, on: 300).status == .notRefractory)
        #expect(verdict(.jsh2014, t, on: 300, c.with("eval.missingBreaksChain", "false")).status == .refractory)
    }

    @Test func requireModificationMakesAnUnmodifiedRunIndeterminate() {
        let plain = P.timeline(P.twoSessions(viable: 70, 80))
        let strict = c.with("jsh.requireModification", "true")
        let v = verdict(.jsh2014, plain, on: 200, strict)
        #expect(v.status == .indeterminate)
        #expect(v.missing.contains { $0.contains("jsh.requireModification=true") })
        let modified = P.timeline(P.tace(0), [P.viable(70, 30)], P.tace(60, agentChanged: "yes"), [P.viable(80, 90)])
        let m = verdict(.jsh2014, modified, on: 200, strict)
        #expect(m.status == .refractory)
        #expect(m.rationale.contains("agent change or feeding-artery reanalysis recorded"))
        // A modification at the first session of the run does not count ("even after changing").
        let early = P.timeline(P.tace(0, reanalysed: "yes"), [P.viable(70, 30)], P.tace(60), [P.viable(80, 90)])
        #expect(verdict(.jsh2014, early, on: 200, strict).status == .indeterminate)
    }

    @Test func twoConsecutiveIntrahepaticProgressionsMeetC1b() {
        let t = P.timeline([P.count(1, -5)], P.tace(0), [P.count(2, 30), P.viable(20, 30)],
                           P.tace(60), [P.count(3, 90), P.viable(10, 90)])
        let v = verdict(.jsh2014, t, on: 200)
        #expect(v.status == .refractory)
        #expect(clause(v, "C1a")?.outcome == .notMet)
        #expect(clause(v, "C1b")?.outcome == .met)
        #expect(clause(v, "C1b")?.day == P.day(90))
    }

    @Test("tumor-marker rise 19 % vs 21 % after a session", arguments: [(119.0, RefractorinessStatus.notRefractory), (121.0, .refractory)])
    func markerClause(last: Double, expected: RefractorinessStatus) {
        let t = P.timeline(P.tace(0), [P.afp(100, -1), P.afp(110, 20), P.afp(last, 40), P.viable(20, 30)])
        let v = verdict(.jsh2014, t, on: 200)
        #expect(v.status == expected)
        #expect(clause(v, "C2")?.outcome == (expected == .refractory ? .met : .notMet))
        if expected == .refractory { #expect(v.dayMet == P.day(40)) }
        // JSH 2021 applies the 2014 marker rule by default (§4.4); the HAIC wording ("not immediately decreased")
        // counts both, but only when asked for by name.
        #expect(verdict(.jsh2021, t, on: 200).status == expected)
        #expect(verdict(.jsh2021, t, on: 200, c.with("jsh2021.markerRule", "notDecreased")).status == .refractory)
    }

    /// Review example 1: AFP 100 → 125 (d20) → 126 (d40) → 30 (d70), one session, target PR. The fall on d70
    /// is in the follow-up window, so the marker never rose (§4.2); before d70 was known it had.
    @Test func aMarkerRiseUndoneByALaterFollowUpIsNotRefractory() {
        let t = P.timeline(P.tace(0), [P.afp(100, -1), P.afp(125, 20), P.afp(126, 40), P.target("PR", 30), P.afp(30, 70)])
        let after = verdict(.jsh2014, t, on: 200)
        #expect(after.status == .notRefractory)
        #expect(clause(after, "C2")?.outcome == .notMet)
        let before = verdict(.jsh2014, t, on: 50)
        #expect(before.status == .refractory)
        #expect(before.dayMet == P.day(40))
        // With the d70 value at 121 (still ≥ 120) the rise stands, dated d40.
        let kept = P.timeline(P.tace(0), [P.afp(100, -1), P.afp(125, 20), P.afp(126, 40), P.target("PR", 30), P.afp(121, 70)])
        #expect(verdict(.jsh2014, kept, on: 200).dayMet == P.day(40))
    }

    @Test("JSH 2021 marker clause by default = JSH 2014: last follow-up 119 / 120 / 121 after 110",
          arguments: [(119.0, RefractorinessStatus.notRefractory), (120.0, .refractory), (121.0, .refractory)])
    func jsh2021MarkerDefaultIsThe2014Rule(last: Double, expected: RefractorinessStatus) {
        let t = P.timeline(P.tace(0), [P.afp(100, -1), P.afp(110, 20), P.afp(last, 40), P.viable(10, 30)])
        #expect(verdict(.jsh2021, t, on: 200).status == expected)
        #expect(verdict(.jsh2014, t, on: 200).status == expected)
    }

    /// Review example 2: AFP 100 → 100 → 95 with viable 10 % is a flat/falling marker, not refractory under
    /// JSH 2021 by default; only the named HAIC-wording alternative calls it refractory.
    @Test func aFlatMarkerIsNotRefractoryUnderJSH2021ByDefault() {
        let t = P.timeline(P.tace(0), [P.afp(100, -1), P.afp(100, 20), P.afp(95, 40), P.viable(10, 30)])
        #expect(verdict(.jsh2021, t, on: 200).status == .notRefractory)
        #expect(verdict(.jsh2021, t, on: 200, c.with("jsh2021.markerRule", "notDecreased")).status == .refractory)
        #expect(RefractorinessConfiguration().jsh2021MarkerRule == .sameAs2014)
    }

    /// Review 4: two overall SD with no target category or viable % do not make C1a by default.
    @Test func overallCategoryAloneIsNotAnInsufficientResponseByDefault() {
        let t = P.timeline(P.tace(0), [P.overall("SD", 30)], P.tace(60), [P.overall("SD", 90)])
        #expect(clause(verdict(.jsh2014, t, on: 200), "C1a")?.outcome != .met)
        #expect(verdict(.jsh2014, t, on: 200).status != .refractory)
        let v = verdict(.jsh2014, t, on: 200, c.with("insufficient.overallFallback", "true"))
        #expect(v.status == .refractory)
        #expect(v.dayMet == P.day(90))
        // With the fallback, overall PR on the second study breaks the run.
        let pr = P.timeline(P.tace(0), [P.overall("SD", 30)], P.tace(60), [P.overall("PR", 90)])
        #expect(verdict(.jsh2014, pr, on: 200, c.with("insufficient.overallFallback", "true")).status != .refractory)
    }

    /// Review 5: new intrahepatic lesions without tumor counts do not make C1b by default.
    @Test func newLesionsAloneAreNotAnIncreaseInTumorNumberByDefault() {
        let t = P.timeline(P.tace(0), [P.newLesions(1, 30), P.viable(10, 30)], P.tace(60), [P.newLesions(2, 90), P.viable(10, 90)])
        #expect(clause(verdict(.jsh2014, t, on: 200), "C1b")?.outcome != .met)
        #expect(verdict(.jsh2014, t, on: 200).status != .refractory)
        let v = verdict(.jsh2014, t, on: 200, c.with("progression.newLesionsImplyIncrease", "true"))
        #expect(clause(v, "C1b")?.outcome == .met)
        let zero = P.timeline(P.tace(0), [P.newLesions(0, 30), P.viable(10, 30)], P.tace(60), [P.newLesions(1, 90), P.viable(10, 90)])
        #expect(verdict(.jsh2014, zero, on: 200, c.with("progression.newLesionsImplyIncrease", "true")).status == .notRefractory)
    }

    /// Review 6: viable 70 % then ">40 %" (could be > 50 %) cannot be judged → indeterminate, saying why;
    /// ">60 %" decides (refractory) and "<40 %" decides (not refractory).
    @Test("an evaluation that cannot be judged leaves C1a undetermined", arguments: [
        (Comparator.greaterThan, 40.0, RefractorinessStatus.indeterminate),
        (.greaterThan, 60.0, .refractory),
        (.lessThan, 40.0, .notRefractory),
    ])
    func unjudgeableEvaluationIsIndeterminate(comparator: Comparator, value: Double, expected: RefractorinessStatus) {
        let t = P.timeline(P.tace(0), [P.viable(70, 30)], P.tace(60), [P.viable(value, 90, comparator: comparator)])
        for d in [RefractorinessDefinition.jsh2014, .jsh2021] {
            let v = verdict(d, t, on: 200)
            #expect(v.status == expected)
            if expected == .indeterminate {
                #expect(clause(v, "C1a")?.outcome == .undetermined)
                #expect(v.missing.contains { $0.contains("cannot be judged") && $0.contains(P.day(90).description) })
            }
        }
    }

    @Test func aSecondStudyWithOnlyATumorCountIsIndeterminateNotNotRefractory() {
        let t = P.timeline([P.count(1, -5)], P.tace(0), [P.viable(70, 30), P.count(1, 30)], P.tace(60), [P.count(1, 90)])
        let v = verdict(.jsh2014, t, on: 200)
        #expect(v.status == .indeterminate)
        #expect(clause(v, "C1a")?.outcome == .undetermined)
        // The same study with a viable % below the threshold decides.
        let decided = P.timeline([P.count(1, -5)], P.tace(0), [P.viable(70, 30), P.count(1, 30)], P.tace(60), [P.count(1, 90), P.viable(30, 90)])
        #expect(verdict(.jsh2014, decided, on: 200).status == .notRefractory)
    }

    /// Review 7: AFP 100 → 400 on day 25, next session on day 35: one follow-up (2 needed) — the rise cannot be
    /// confirmed, so the verdict is indeterminate and says so; 119 (no rise on the value seen) is not refractory.
    @Test("a marker rise that cannot be confirmed is undetermined", arguments: [
        (400.0, RefractorinessStatus.indeterminate), (120.0, .indeterminate), (119.0, .notRefractory),
    ])
    func unconfirmableMarkerRise(value: Double, expected: RefractorinessStatus) {
        let t = P.timeline(P.tace(0), [P.afp(100, -1), P.afp(value, 25)], P.tace(35), [P.viable(10, 70)])
        let v = verdict(.jsh2014, t, on: 200)
        #expect(v.status == expected)
        if expected == .indeterminate {
            #expect(clause(v, "C2")?.outcome == .undetermined)
            #expect(v.missing.contains { $0.contains("not confirmable") && $0.contains("marker.minFollowUpValues") })
        }
        // With marker.minFollowUpValues=1 the single value decides.
        let one = verdict(.jsh2014, t, on: 200, c.with("marker.minFollowUpValues", "1"))
        #expect(one.status == (value >= 120 ? .refractory : .notRefractory))
    }

    /// Review 14: a not-refractory verdict names what it evaluated (sessions, their studies, the markers).
    @Test func aNotRefractoryVerdictCarriesTheEvaluatedEvidence() {
        let t = P.timeline(P.tace(0), [P.afp(100, -1), P.afp(100, 20), P.afp(100, 40), P.viable(20, 30)], P.tace(60), [P.viable(10, 90)])
        let v = verdict(.jsh2014, t, on: 200)
        #expect(v.status == .notRefractory)
        let ids = Set(v.evidence.compactMap(\.source.resourceReference))
        #expect(ids.isSuperset(of: ["Procedure/tace-procedure-d0", "Procedure/tace-procedure-d60", "Observation/viable-tumor-percent-d30",
                                    "Observation/viable-tumor-percent-d90", "Observation/afp-d-1", "Observation/afp-d40"]))
        // A refractory verdict keeps only its met clauses' evidence.
        let r = verdict(.jsh2014, P.timeline(P.twoSessions(viable: 70, 80), [P.afp(100, -1)]), on: 200)
        #expect(r.status == .refractory && !r.evidence.contains { $0.concept == .afp })
    }

    /// Review 20: staged sessions (< 28 days apart) cannot form a JSH run; the rationale says so. At 28 days the
    /// first session can be evaluated (on the day before the next session it cannot: 27 days).
    @Test("staged TACE is flagged in the rationale", arguments: [(20, true), (29, false)])
    func stagedTACEIsFlagged(gap: Int, flagged: Bool) {
        let t = P.timeline(P.tace(0), [P.viable(70, 28)], P.tace(gap), [P.viable(70, gap + 30)], P.tace(gap + 60), [P.viable(80, gap + 90)])
        let v = verdict(.jsh2014, t, on: 300)
        #expect(v.rationale.contains("possibly staged TACE") == flagged)
        #expect(v.status == .refractory)  // the later two sessions still form a run
    }

    @Test func dcpCountsLikeAFPAndCombineAllNeedsBoth() {
        let t = P.timeline(P.tace(0), [P.afp(100, -1), P.afp(100, 20), P.afp(100, 40),
                                       P.dcp(100, -1), P.dcp(130, 20), P.dcp(150, 40), P.viable(20, 30)])
        #expect(verdict(.jsh2014, t, on: 200).status == .refractory)
        #expect(verdict(.jsh2014, t, on: 200, c.with("marker.combine", "all")).status == .notRefractory)
        #expect(verdict(.jsh2014, t, on: 200, c.with("marker.analytes", "AFP")).status == .notRefractory)
    }

    @Test func newVascularInvasionAndExtrahepaticSpreadMeetC3AndC4() {
        let mvi = P.timeline([P.vp(0, -5), P.ehs(false, -5)], P.tace(0), [P.vp(3, 30), P.viable(10, 30)])
        let v = verdict(.jsh2014, mvi, on: 100)
        #expect(v.status == .refractory && clause(v, "C3")?.outcome == .met && v.dayMet == P.day(30))
        let ehs = P.timeline([P.vp(0, -5), P.ehs(false, -5)], P.tace(0), [P.ehs(true, 30), P.viable(10, 30)])
        let w = verdict(.jsh2014, ehs, on: 100)
        #expect(w.status == .refractory && clause(w, "C4")?.outcome == .met)
    }

    @Test func invasionWithoutARecordedBaselineIsIndeterminate() {
        let t = P.timeline(P.tace(0), [P.vp(2, 30), P.viable(10, 30)])
        let v = verdict(.jsh2014, t, on: 100)
        #expect(v.status == .indeterminate)
        #expect(v.missing.contains { $0.hasPrefix("C3-new-vascular-invasion") })
    }

    @Test func withoutSessionsOrEvaluationsTheVerdictIsIndeterminateAndSaysWhy() {
        let none = verdict(.jsh2014, P.timeline([P.afp(100, 0)]), on: 100)
        #expect(none.status == .indeterminate)
        #expect(none.missing == ["no TACE session recorded on or before 2025-04-20"])
        let unevaluated = verdict(.jsh2014, P.timeline(P.tace(0)), on: 200)
        #expect(unevaluated.status == .indeterminate)
        #expect(unevaluated.missing.contains { $0.hasPrefix("C1a-insufficient-response: no qualifying session") })
    }

    @Test func oneSufficientResponseIsNotRefractory() {
        let v = verdict(.jsh2014, P.timeline(P.tace(0), [P.target("PR", 30)]), on: 100)
        #expect(v.status == .notRefractory)
        #expect(v.dayMet == nil)
    }

    @Test func assumedSessionAttributesAreStated() {
        let v = verdict(.jsh2014, P.timeline(P.twoSessions(viable: 70, 80)), on: 200)
        #expect(v.notes.contains { $0.hasPrefix("assumed selective and adequate") && $0.contains("2025-01-10") })
        let recorded = P.timeline(P.tace(0, selectivity: "selective", adequacy: "adequate"), [P.viable(70, 30)],
                                  P.tace(60, selectivity: "superselective", adequacy: "adequate"), [P.viable(80, 90)])
        #expect(!verdict(.jsh2014, recorded, on: 200).notes.contains { $0.hasPrefix("assumed") })
    }

    @Test func jsh2021LastResponseRuleNeedsOnlyTheEvaluationAfterTheSecondSession() {
        let t = P.timeline(P.tace(0), [P.viable(20, 30)], P.tace(60), [P.viable(60, 90)])
        #expect(verdict(.jsh2021, t, on: 200).status == .notRefractory)
        let v = verdict(.jsh2021, t, on: 200, c.with("jsh2021.runRule", "lastResponse"))
        #expect(v.status == .refractory)
        #expect(v.dayMet == P.day(90))
    }

    @Test func theConfigurationInForceIsEchoed() {
        let v = verdict(.jsh2014, P.timeline(P.twoSessions(viable: 70, 80)), on: 200, c.with("marker.r", "0.25"))
        #expect(v.configurationText.hasPrefix("tacebridge-refractoriness-config-v1: "))
        #expect(v.configurationText.contains("jsh.minConsecutive=2"))
        #expect(v.configurationText.contains("marker.r=0.25"))
        #expect(v.configurationText.contains("eval.windowDays=28-92"))
        #expect(!v.configurationText.contains("kr.minSessions"))
    }
}
