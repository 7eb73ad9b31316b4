import Testing
import TACEModel
@testable import TACEScoring

@Suite("Child-Pugh (clinical reference §2)")
struct ChildPughTests {
    static let c = ScoringConfiguration()
    static var si3450: ScoringConfiguration {
        var c = ScoringConfiguration()
        c.childPughSIBilirubinCutoffs = .rounded34And50
        return c
    }

    @Test("bilirubin cut-offs 2/3 mg/dL = 34.208/51.312 µmol/L (exactFromMgDl)", arguments: [
        (34.208.nextDown, 1), (34.2, 1), (34.208, 2), (2.0 * 17.104, 2), (51.312, 2), (3.0 * 17.104, 2),
        (51.312.nextUp, 3), (51.32, 3), (10.0, 1), (100.0, 3),
    ])
    func bilirubinExact(umol: Double, points: Int) {
        #expect(ChildPugh.bilirubinPoints(umolPerL: umol, configuration: Self.c) == points)
    }

    @Test("bilirubin cut-offs 34/50 µmol/L (alternative SI table)", arguments: [
        (33.99, 1), (34.0, 2), (50.0, 2), (50.01, 3), (51.0, 3),
    ])
    func bilirubinSI(umol: Double, points: Int) {
        #expect(ChildPugh.bilirubinPoints(umolPerL: umol, configuration: Self.si3450) == points)
    }

    @Test func bilirubin51ScoresDifferentlyUnderTheTwoSITables() {
        #expect(ChildPugh.bilirubinPoints(umolPerL: 51, configuration: Self.c) == 2)
        #expect(ChildPugh.bilirubinPoints(umolPerL: 51, configuration: Self.si3450) == 3)
    }

    @Test("albumin cut-offs 2.8/3.5 g/dL = 28/35 g/L", arguments: [
        (27.99, 3), (28.0, 2), (2.8 * 10, 2), (35.0, 2), (3.5 * 10, 2), (35.01, 1), (45.0, 1),
    ])
    func albumin(gPerL: Double, points: Int) {
        #expect(ChildPugh.albuminPoints(gPerL: gPerL) == points)
    }

    @Test("INR cut-offs 1.7/2.3", arguments: [(1.69, 1), (1.7, 2), (2.3, 2), (2.31, 3)])
    func inr(value: Double, points: Int) {
        #expect(ChildPugh.inrPoints(value) == points)
    }

    @Test("PT prolongation cut-offs 4/6 s", arguments: [(3.9, 1), (4.0, 2), (6.0, 2), (6.1, 3)])
    func pt(seconds: Double, points: Int) {
        #expect(ChildPugh.ptProlongationPoints(seconds: seconds) == points)
    }

    @Test("class boundaries A 5-6 / B 7-9 / C 10-15", arguments: [
        (5, "A"), (6, "A"), (7, "B"), (9, "B"), (10, "C"), (15, "C"),
    ])
    func classes(points: Int, childClass: String) {
        #expect(ChildPugh.childClass(points: points) == childClass)
    }

    @Test func scoresFullTableAndUsesConfiguredCoagulationInput() throws {
        let r = try #require(ChildPugh.score(bilirubinUmolPerL: 40, albuminGPerL: 30, inr: 1.5, ptProlongationSeconds: 7,
                                             ascites: "slight", encephalopathy: "none", configuration: Self.c))
        #expect(r == ChildPughResult(bilirubinPoints: 2, albuminPoints: 2, coagulationPoints: 1, ascitesPoints: 2, encephalopathyPoints: 1))
        #expect(r.points == 8 && r.childClass == "B")
        var pt = ScoringConfiguration()
        try pt.set("childPugh.coagulationInput", to: "PT_prolongation_s")
        let r2 = try #require(ChildPugh.score(bilirubinUmolPerL: 40, albuminGPerL: 30, inr: 1.5, ptProlongationSeconds: 7,
                                              ascites: "slight", encephalopathy: "none", configuration: pt))
        #expect(r2.coagulationPoints == 3 && r2.points == 10 && r2.childClass == "C")
        #expect(ChildPugh.score(bilirubinUmolPerL: 40, albuminGPerL: 30, inr: 1.5, ptProlongationSeconds: nil,
                                ascites: "slight", encephalopathy: "none", configuration: pt) == nil)
    }

    @Test func classBoundariesFromInputs() throws {
        func s(_ bili: Double, _ alb: Double, _ inr: Double, _ asc: String, _ enc: String) -> ChildPughResult? {
            ChildPugh.score(bilirubinUmolPerL: bili, albuminGPerL: alb, inr: inr, ptProlongationSeconds: nil,
                            ascites: asc, encephalopathy: enc, configuration: Self.c)
        }
        #expect(s(10, 40, 1.0, "absent", "none")?.points == 5)
        #expect(s(10, 40, 1.0, "absent", "grade-1-2").map { ($0.points, $0.childClass) } ?? (0, "") == (6, "A"))
        #expect(s(10, 40, 1.0, "slight", "grade-1-2").map { ($0.points, $0.childClass) } ?? (0, "") == (7, "B"))
        #expect(s(40, 30, 1.0, "slight", "grade-1-2").map { ($0.points, $0.childClass) } ?? (0, "") == (9, "B"))
        #expect(s(40, 30, 2.0, "slight", "grade-1-2").map { ($0.points, $0.childClass) } ?? (0, "") == (10, "C"))
        #expect(s(60, 20, 3.0, "moderate", "grade-3-4")?.points == 15)
    }

    @Test func unknownCodesAreNotScored() {
        #expect(ChildPugh.score(bilirubinUmolPerL: 10, albuminGPerL: 40, inr: 1, ptProlongationSeconds: nil,
                                ascites: "unknown", encephalopathy: "none", configuration: Self.c) == nil)
    }

    @Test func assessorWithMissingAscitesDoesNotComputeAndNeverImputes() {
        let obs = [
            T.q(.bilirubinTotal, 20), T.q(.albumin, 40), T.q(.inr, 1.1),
            T.coded(.encephalopathy, "none"),
        ]
        let a = ChildPughAssessor.assess(observations: obs, index: T.indexDate, configuration: Self.c)
        #expect(a.result == nil)
        #expect(!a.isComplete)
        #expect(a.missingConcepts == [.ascites])
        #expect(a.reachablePoints == 5...7)
        #expect(a.rationale.contains("ascites: no observation"))
    }

    @Test func assessorScoresCompleteInputsIncludingCensoredDeterminedValue() throws {
        let obs = [
            T.q(.bilirubinTotal, 5, .lessThan), T.q(.albumin, 30), T.q(.inr, 1.8),
            T.coded(.ascites, "absent"), T.coded(.encephalopathy, "grade-1-2"),
        ]
        let a = ChildPughAssessor.assess(observations: obs, index: T.indexDate, configuration: Self.c)
        let r = try #require(a.result)
        #expect(r.points == 1 + 2 + 2 + 1 + 2)
        #expect(r.childClass == "B")
        #expect(a.evidence.count == 5)
        #expect(a.rationale.hasPrefix("Child-Pugh 8 (class B) = bilirubin <5 µmol/L (1) + albumin 30 g/L (2) + INR 1.8 (2)"))
    }

    @Test func assessorUsesPTProlongationWhenConfigured() throws {
        var c = ScoringConfiguration()
        c.childPughCoagulationInput = .ptProlongationSeconds
        let obs = [
            T.q(.bilirubinTotal, 20), T.q(.albumin, 40), T.q(.inr, 1.1),
            T.coded(.ascites, "absent"), T.coded(.encephalopathy, "none"),
        ]
        let a = ChildPughAssessor.assess(observations: obs, index: T.indexDate, configuration: c)
        #expect(a.result == nil)
        #expect(a.missingConcepts == [.prothrombinTimeProlongation])
    }
}
