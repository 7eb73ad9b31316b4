import Testing
import TACEModel
@testable import TACERefractoriness

@Suite("Definitions on the same patient")
struct DisagreementTests {
    @Test func allDefinitionsRunInOrderWithJSH2014First() {
        let verdicts = Refractoriness.evaluate(timeline: P.timeline(P.twoSessions(viable: 70, 80)), on: P.day(200))
        #expect(verdicts.map(\.definition) == RefractorinessDefinition.allCases)
        #expect(verdicts.first?.definition == .jsh2014)
    }

    /// Viable exactly 50 % twice: JSH 2021 (≥ 50 %) refractory, JSH 2014 (> 50 %) not; two sessions are too few
    /// for Zhang 2022 (three) and IASL (three); mRECIST-free studies leave Taiwan without a response category.
    @Test func fiftyPercentViableSplitsTheDefinitions() {
        let verdicts = Refractoriness.evaluate(timeline: P.timeline(P.twoSessions(viable: 50, 50)), on: P.day(200))
        let status = Dictionary(uniqueKeysWithValues: verdicts.map { ($0.definition, $0.status) })
        #expect(status[.jsh2014] == .notRefractory)
        #expect(status[.jsh2021] == .refractory)
        #expect(status[.zhang2022] == .notRefractory)
        #expect(status[.iasl] == .indeterminate)
        #expect(status[.taiwan] == .indeterminate)
        #expect(status[.europe] == .indeterminate)
    }

    /// New portal vein invasion while the treated lesion responds: JSH (C3) refractory; Zhang 2022 not (context only).
    @Test func newVascularInvasionSplitsJSHAndZhang() {
        let t = P.timeline([P.vp(0, -5)], P.tace(0), [P.vp(2, 30), P.target("PR", 30)], P.tace(60), [P.target("PR", 90)],
                           P.tace(120), [P.target("PR", 150)])
        let jsh = verdict(.jsh2014, t, on: 200)
        let zhang = verdict(.zhang2022, t, on: 200)
        #expect(jsh.status == .refractory && jsh.metClauses.map(\.code) == ["C3-new-vascular-invasion"])
        #expect(zhang.status == .notRefractory)
        #expect(verdict(.iasl, t, on: 200).status == .notRefractory)
    }
}
