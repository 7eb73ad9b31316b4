import Testing
import TACEModel
@testable import TACEScoring

@Suite("ALBI (clinical reference §1)")
struct ALBITests {
    @Test("spec §1 test vectors to 4 decimals", arguments: [
        (17.104, 40.0, -2.5862, 2), (10.0, 45.0, -3.1650, 1), (20.0, 35.0, -2.1163, 2),
        (34.2, 30.0, -1.5375, 2), (51.3, 25.0, -0.9963, 3),
    ])
    func specVectors(bilirubin: Double, albumin: Double, score: Double, grade: Int) throws {
        let r = try #require(ALBI.score(bilirubinUmolPerL: bilirubin, albuminGPerL: albumin, configuration: .init()))
        #expect(close(r.score, score, 0.00005), "ALBI \(r.score)")
        #expect(r.grade == grade)
    }

    @Test func albuminCoefficientVariantFlipsGradeAtTheBoundary() throws {
        var c = ScoringConfiguration()
        let a = try #require(ALBI.score(bilirubinUmolPerL: 10.9, albuminGPerL: 38.6, configuration: c))
        #expect(close(a.score, -2.5963, 0.00005))
        #expect(a.grade == 2)
        try c.set("albi.albuminCoefficient", to: "-0.0852")
        let b = try #require(ALBI.score(bilirubinUmolPerL: 10.9, albuminGPerL: 38.6, configuration: c))
        #expect(close(b.score, -2.6040, 0.00005))
        #expect(b.grade == 1)
    }

    @Test func roundingToTwoDecimalsIsAppliedBeforeGrading() throws {
        var c = ScoringConfiguration()
        let unrounded = try #require(ALBI.score(bilirubinUmolPerL: 10.0, albuminGPerL: 38.3, configuration: c))
        #expect(close(unrounded.score, -2.5955, 0.00005))
        #expect(unrounded.grade == 2)
        try c.set("albi.roundTo", to: "2")
        let rounded = try #require(ALBI.score(bilirubinUmolPerL: 10.0, albuminGPerL: 38.3, configuration: c))
        #expect(rounded.score == -2.60)
        #expect(rounded.grade == 1)
        #expect(close(rounded.unroundedScore, -2.5955, 0.00005))
    }

    @Test("grade boundaries on both sides", arguments: [
        (-2.60, 1), (-2.5999, 2), ((-2.60).nextUp, 2), (-1.39, 2), (-1.3899, 3), ((-1.39).nextUp, 3), (-5.0, 1), (0.5, 3),
    ])
    func gradeBoundaries(score: Double, grade: Int) {
        #expect(ALBI.grade(for: score) == grade)
    }

    @Test(arguments: [0.0, -1.0, Double.nan, Double.infinity])
    func nonPositiveOrNonFiniteBilirubinGivesNoScore(bilirubin: Double) {
        #expect(ALBI.score(bilirubinUmolPerL: bilirubin, albuminGPerL: 40, configuration: .init()) == nil)
    }

    @Test func conventionalUnitFormAgrees() throws {
        // §1: ALBI = 0.66·log10(bili mg/dL) + 0.81384 − 0.85·alb g/dL (check only).
        let r = try #require(ALBI.score(bilirubinUmolPerL: 1.3 * 17.104, albuminGPerL: 36, configuration: .init()))
        let conventional = 0.66 * PureMath.log10(1.3) + 0.81384 - 0.85 * 3.6
        #expect(close(r.score, conventional, 0.0001))
    }

    @Test func intervalOfCensoredInputsBracketsTheScore() throws {
        let c = ScoringConfiguration()
        let bili = Measurement(3, .umolPerL, comparator: .lessThan).interval
        let alb = Measurement(45, .gPerL).interval
        let s = try #require(ALBI.scoreInterval(bilirubin: bili, albumin: alb, configuration: c))
        #expect(s.lower == -.infinity)
        #expect(close(s.upper, 0.66 * PureMath.log10(3) - 0.085 * 45, 1e-12))
        #expect(!s.upperClosed)
    }
}
