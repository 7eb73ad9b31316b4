import Testing
import TACEModel
@testable import TACEScoring

@Suite("p-TACE points, grades and model (clinical reference §3.2-3.4)")
struct PTACEPointsTests {
    @Test("§3.6 boundary row and its other sides", arguments: [
        (80.0, 0.0), (80.0001, 3.0), (4000.0, 3.0), (4000.0001, 5.0), (0.0, 0.0), (1e7, 5.0),
    ])
    func afpBoundaries(ngPerML: Double, points: Double) {
        #expect(PTACEPoints.afp(ngPerML: ngPerML) == points)
    }

    @Test(arguments: [
        (50.0, 0.0), (50.0001, 1.0), (75.0, 1.0), (75.0001, 2.0), (135.0, 2.0), (135.0001, 3.5),
    ])
    func ggtBoundaries(unitsPerL: Double, points: Double) {
        #expect(PTACEPoints.ggt(unitsPerL: unitsPerL) == points)
    }

    @Test(arguments: [(5.0, 0.0), (5.0001, 2.0), (0.5, 0.0), (15.0, 2.0)])
    func sizeBoundaries(cm: Double, points: Double) {
        #expect(PTACEPoints.size(cm: cm) == points)
    }

    @Test func vascularizationAndALBIPoints() {
        #expect(PTACEPoints.vascularization("type-1") == 0)
        #expect(PTACEPoints.vascularization("type-2") == 0)
        #expect(PTACEPoints.vascularization("type-3") == 5.5)
        #expect(PTACEPoints.vascularization("type-4") == 5.5)
        #expect(PTACEPoints.vascularization("type-5") == nil)
        #expect(PTACEPoints.vascularization("3") == nil)
        #expect(PTACEPoints.albi(grade: 1) == 0)
        #expect(PTACEPoints.albi(grade: 2) == 3.5)
        #expect(PTACEPoints.albi(grade: 3) == 3.5)
    }

    @Test func factorMetadata() {
        #expect(PTACEFactor.allCases.map(\.pointsCode) == [
            "ptace-vascularization-points", "ptace-albi-points", "ptace-afp-points", "ptace-ggt-points", "ptace-size-points",
        ])
        #expect(PTACEFactor.allCases.map(\.possiblePoints) == [[0, 5.5], [0, 3.5], [0, 3, 5], [0, 1, 2, 3.5], [0, 2]])
        #expect(PTACEFactor.albi.concepts == [.bilirubinTotal, .albumin])
    }

    @Test func attainableTotalsMatchTheSpec() {
        // §3.2: every half point from 0 to 19.5 except 0.5, 1.5, 2.5 (the list starts 0, 1, 2, 3, 3.5)
        // and 16.5, 18.5, 19 (impossible); maximum 19.5.
        let impossible: Set<Double> = [0.5, 1.5, 2.5, 16.5, 18.5, 19]
        let expected = (0...39).map { Double($0) / 2 }.filter { !impossible.contains($0) }
        #expect(PTACEPoints.attainableTotals == expected)
        #expect(PTACEPoints.attainableTotals.last == 19.5)
        #expect(PTACEPoints.maximumTotal == 19.5)
    }

    @Test("grade boundaries belong to the higher grade", arguments: [
        (0.0, 1), (3.5, 1), (4.0, 2), (6.5, 2), (7.0, 3), (9.5, 3), (10.0, 4), (12.5, 4), (13.0, 5), (15.5, 5), (16.0, 6), (19.5, 6),
    ])
    func gradeBoundaries(total: Double, grade: Int) {
        #expect(PTACEPoints.attainableTotals.contains(total), "boundary tests use attainable totals")
        #expect(PTACEPoints.grade(total: total) == grade)
    }

    @Test func gradeTableIsTable5Training() {
        #expect(PTACEPoints.gradeTableProbability == [1: 0.134, 2: 0.251, 3: 0.421, 4: 0.611, 5: 0.773, 6: 0.881])
    }

    /// One of the 96 covariate patterns of Table 3 (2 × 2 × 2 × 3 × 4).
    struct Pattern { var vasc: Bool; var albi: Bool; var size: Bool; var afp: Double; var ggt: Double
        var total: Double { (vasc ? 5.5 : 0) + (albi ? 3.5 : 0) + (size ? 2 : 0) + afp + ggt }
        func p(_ intercept: Double) -> Double {
            PTACEPoints.logisticProbability(vascularizationHigh: vasc, albiGrade: albi ? 2 : 1, afpPoints: afp, ggtPoints: ggt,
                                            sizeOver5: size, intercept: intercept)
        }
    }
    static let patterns: [Pattern] = {
        var all: [Pattern] = []
        for v in [false, true] { for a in [false, true] { for s in [false, true] {
            for f in PTACEFactor.afp.possiblePoints { for g in PTACEFactor.ggt.possiblePoints {
                all.append(Pattern(vasc: v, albi: a, size: s, afp: f, ggt: g))
            } }
        } } }
        return all
    }()

    static func gradeMeans(_ intercept: Double) -> [Int: Double] {
        var sums: [Int: (Double, Int)] = [:]
        for p in patterns {
            let g = PTACEPoints.grade(total: p.total)
            let (s, n) = sums[g] ?? (0, 0)
            sums[g] = (s + p.p(intercept), n + 1)
        }
        return sums.mapValues { $0.0 / Double($0.1) }
    }

    @Test func effectiveInterceptReproducesTable5WithinThreePercentagePoints() {
        #expect(Self.patterns.count == 96)
        let means = Self.gradeMeans(-2.448)
        for g in 1...6 {
            let table = PTACEPoints.gradeTableProbability[g]!
            #expect(abs(means[g]! - table) <= 0.03, "grade \(g): model mean \(means[g]!) vs Table 5 \(table)")
        }
    }

    @Test func literalTable3ConstantDoesNotReproduceTable5() {
        let means = Self.gradeMeans(PTACEModelCoefficients.literalTable3Constant)
        let within = (1...6).filter { abs(means[$0]! - PTACEPoints.gradeTableProbability[$0]!) <= 0.03 }
        #expect(within.isEmpty, "literal -5.242 matched grades \(within)")
        // §3.4 table: literal means are 1.0 % (grade 1) … 28.7 % (grade 6).
        #expect(close(means[1]!, 0.010, 0.001))
        #expect(close(means[6]!, 0.287, 0.001))
    }

    @Test func unweightedMeansMatchTheSpecAnalysis() {
        // §3.4 table, "binary items coded 1/2" column = 0/1 coding with β0′.
        let means = Self.gradeMeans(-2.448)
        for (g, expected) in [1: 0.140, 2: 0.265, 3: 0.421, 4: 0.605, 5: 0.755, 6: 0.862] {
            #expect(close(means[g]!, expected, 0.0006), "grade \(g) \(means[g]!)")
        }
    }

    @Test func censoredReachablePoints() {
        #expect(PTACEPoints.afpReachable(Measurement(60500, .ngPerML, comparator: .greaterThan).interval) == [5])
        #expect(PTACEPoints.afpReachable(Measurement(100, .ngPerML, comparator: .lessThan).interval) == [0, 3])
        #expect(PTACEPoints.afpReachable(Measurement(80, .ngPerML, comparator: .lessOrEqual).interval) == [0])
        #expect(PTACEPoints.afpReachable(Measurement(80, .ngPerML, comparator: .lessThan).interval) == [0])
        #expect(PTACEPoints.afpReachable(Measurement(80, .ngPerML, comparator: .greaterOrEqual).interval) == [0, 3, 5])
        #expect(PTACEPoints.afpReachable(Measurement(80, .ngPerML, comparator: .greaterThan).interval) == [3, 5])
        #expect(PTACEPoints.afpReachable(Measurement(4000, .ngPerML, comparator: .greaterThan).interval) == [5])
        #expect(PTACEPoints.ggtReachable(Measurement(135, .unitsPerL, comparator: .greaterThan).interval) == [3.5])
        #expect(PTACEPoints.ggtReachable(Measurement(10, .unitsPerL, comparator: .lessThan).interval) == [0])
        #expect(PTACEPoints.ggtReachable(Measurement(60, .unitsPerL, comparator: .greaterThan).interval) == [1, 2, 3.5])
        #expect(PTACEPoints.sizeReachable(Measurement(10, .cm, comparator: .greaterThan).interval) == [2])
        #expect(PTACEPoints.sizeReachable(Measurement(5, .cm).interval) == [0])
    }

    @Test func censoredALBIIsDeterminedWhenTheWholeBoxHasOneGrade() throws {
        let c = ScoringConfiguration()
        let low = try #require(PTACEPoints.albiReachable(bilirubin: Measurement(3, .umolPerL, comparator: .lessThan).interval,
                                                         albumin: Measurement(45, .gPerL).interval, configuration: c))
        #expect(low.points == [0] && low.grades == [1])
        let high = try #require(PTACEPoints.albiReachable(bilirubin: Measurement(300, .umolPerL, comparator: .greaterThan).interval,
                                                          albumin: Measurement(40, .gPerL).interval, configuration: c))
        #expect(high.points == [3.5] && high.grades == [2, 3])
        let ambiguous = try #require(PTACEPoints.albiReachable(bilirubin: Measurement(20, .umolPerL).interval,
                                                               albumin: Measurement(20, .gPerL, comparator: .greaterThan).interval,
                                                               configuration: c))
        #expect(ambiguous.points == [0, 3.5])
    }
}
