import Testing
import TACEModel
@testable import TACEScoring

@Suite("p-TACE properties over random patients (SplitMix64, seeded)")
struct PropertyTests {
    struct Patient {
        var type: Int, bilirubin: Double, albumin: Double, afp: Double, ggt: Double, size: Double
        var observations: [TypedObservation] {
            T.patientInputs(type: type, bilirubin: bilirubin, albumin: albumin, afp: afp, ggt: ggt, size: size)
        }
    }

    static func randomPatient(_ rng: inout SplitMix64) -> Patient {
        Patient(type: Int(rng.next() % 4) + 1,
                bilirubin: rng.logUniform(2, 400),
                albumin: rng.uniform(15, 55),
                afp: rng.logUniform(0.5, 1e6),
                ggt: rng.logUniform(5, 2000),
                size: rng.uniform(0.3, 20))
    }

    static func total(_ p: Patient, _ c: ScoringConfiguration = .init()) -> Double? {
        PTACE.assess(observations: p.observations, index: T.indexDate, configuration: c).total
    }

    @Test func totalsAreAttainableAndInRangeForTenThousandPatients() {
        var rng = SplitMix64(seed: 0x7ACE_B41D_6E00_0001)
        let attainable = Set(PTACEPoints.attainableTotals)
        var seen = Set<Double>()
        for _ in 0..<10_000 {
            let p = Self.randomPatient(&rng)
            let a = PTACE.assess(observations: p.observations, index: T.indexDate, configuration: .init())
            // Plain conditions in the loop (an #expect per iteration is slow in debug builds); record only failures.
            guard let total = a.total, attainable.contains(total), total >= 0, total <= 19.5,
                  a.grade == PTACEPoints.grade(total: total), a.probability == PTACEPoints.gradeTableProbability[a.grade!],
                  let lp = a.logisticProbability, lp > 0, lp < 1
            else {
                Issue.record("patient \(p) gave total \(String(describing: a.total)), grade \(String(describing: a.grade))")
                continue
            }
            seen.insert(total)
        }
        #expect(seen.count >= 25, "random patients should reach most totals, reached \(seen.count)")
    }

    /// 12,000 random patients; each is worsened in one factor, taken in turn (AFP, GGT, size, bilirubin,
    /// albumin, vascularization), so every kind of worsening is checked on 2,000 patients while the
    /// suite stays fast in debug builds (each assessment also builds its rationale).
    @Test func worseningAnyOneFactorNeverLowersTheTotal() {
        var rng = SplitMix64(seed: 0x5EED_0000_0000_0002)
        var checked = [Int](repeating: 0, count: 6)
        for i in 0..<12_000 {
            var p = Self.randomPatient(&rng)
            if i % 6 == 5, p.type > 2 { p.type -= 2 } // make room to worsen vascularization
            guard let base = Self.total(p) else { Issue.record("incomplete \(p)"); continue }
            var w = p
            switch i % 6 {
            case 0: w.afp *= rng.uniform(1, 100)
            case 1: w.ggt *= rng.uniform(1, 10)
            case 2: w.size += rng.uniform(0, 10)
            case 3: w.bilirubin *= rng.uniform(1, 10)
            case 4: w.albumin -= rng.uniform(0, p.albumin - 5)
            default: w.type = Int(rng.next() % 2) + 3
            }
            checked[i % 6] += 1
            guard let t = Self.total(w), t >= base else {
                Issue.record("worsened patient \(w) scored \(String(describing: Self.total(w))) < \(base) of \(p)")
                continue
            }
        }
        #expect(checked == [2000, 2000, 2000, 2000, 2000, 2000])
    }

    @Test func pointFunctionsAreMonotoneAndCensoringIsConsistent() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<10_000 {
            let x = rng.logUniform(0.01, 1e6), y = x * rng.uniform(1, 3)
            var ok = PTACEPoints.afp(ngPerML: x) <= PTACEPoints.afp(ngPerML: y)
                && PTACEPoints.ggt(unitsPerL: x) <= PTACEPoints.ggt(unitsPerL: y)
                && PTACEPoints.size(cm: x) <= PTACEPoints.size(cm: y)
                // An exact value's reachable set is exactly its own points; a ">x" result can reach y's points.
                && PTACEPoints.afpReachable(Measurement(x, .ngPerML).interval) == [PTACEPoints.afp(ngPerML: x)]
            if y > x {
                ok = ok && PTACEPoints.afpReachable(Measurement(x, .ngPerML, comparator: .greaterThan).interval)
                    .contains(PTACEPoints.afp(ngPerML: y))
                    && PTACEPoints.ggtReachable(Measurement(y, .unitsPerL, comparator: .lessThan).interval)
                    .contains(PTACEPoints.ggt(unitsPerL: x))
            }
            if !ok { Issue.record("monotonicity/censoring violated for x = \(x), y = \(y)") }
        }
    }
}
