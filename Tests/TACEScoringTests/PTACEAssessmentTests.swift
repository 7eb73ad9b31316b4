import Testing
import TACEModel
@testable import TACEScoring

@Suite("p-TACE assessment (clinical reference §3.6, §9.3-9.5)")
struct PTACEAssessmentTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String; var type: Int; var albiGrade: Int; var afp: Double; var ggt: Double; var size: Double
        var points: Double; var grade: Int; var model: Double; var table: Double; var risk: QualitativeRisk
        var testDescription: String { "case \(name)" }
    }

    static let vectors: [Vector] = [
        .init(name: "A", type: 2, albiGrade: 1, afp: 25, ggt: 40, size: 3.0, points: 0, grade: 1, model: 0.080, table: 0.134, risk: .low),
        .init(name: "B", type: 1, albiGrade: 1, afp: 81, ggt: 51, size: 3.0, points: 4, grade: 2, model: 0.197, table: 0.251, risk: .moderate),
        .init(name: "C", type: 3, albiGrade: 2, afp: 520, ggt: 62, size: 6.2, points: 15, grade: 5, model: 0.800, table: 0.773, risk: .high),
        .init(name: "D", type: 3, albiGrade: 2, afp: 520, ggt: 98, size: 6.2, points: 16, grade: 6, model: 0.840, table: 0.881, risk: .high),
        .init(name: "E", type: 4, albiGrade: 3, afp: 4001, ggt: 136, size: 5.1, points: 19.5, grade: 6, model: 0.924, table: 0.881, risk: .high),
    ]

    static func inputs(_ v: Vector) -> [TypedObservation] {
        let albi = [1: T.albiGrade1, 2: T.albiGrade2, 3: T.albiGrade3][v.albiGrade]!
        return T.patientInputs(type: v.type, bilirubin: albi.bilirubin, albumin: albi.albumin, afp: v.afp, ggt: v.ggt, size: v.size)
    }

    @Test("§3.6 vectors with the grade table", arguments: vectors)
    func vectorWithGradeTable(_ v: Vector) throws {
        let a = PTACE.assess(observations: Self.inputs(v), index: T.indexDate, configuration: .init())
        #expect(a.isComplete)
        #expect(a.total == v.points)
        #expect(a.reachableTotal == v.points...v.points)
        #expect(a.grade == v.grade)
        #expect(a.reachableGrades == v.grade...v.grade)
        #expect(a.probability == v.table)
        #expect(a.qualitativeRisk == v.risk)
        let model = try #require(a.logisticProbability)
        #expect(close(model, v.model, 0.001), "model p \(model)")
        #expect(a.albi?.grade == v.albiGrade)
        #expect(a.missingConcepts.isEmpty)
        #expect(a.evidence.count == 6)
        #expect(a.factors.map(\.factor) == PTACEFactor.allCases)
    }

    @Test("§3.6 vectors with the logistic model", arguments: vectors)
    func vectorWithLogisticModel(_ v: Vector) throws {
        var c = ScoringConfiguration()
        try c.set("ptace.probabilitySource", to: "logisticModel")
        let a = PTACE.assess(observations: Self.inputs(v), index: T.indexDate, configuration: c)
        let p = try #require(a.probability)
        #expect(close(p, v.model, 0.001))
        #expect(a.rationale.contains("Table 3 logistic model with effective intercept -2.448"))
    }

    @Test func rationaleShowsTheArithmeticProbabilityIndexAndConfig() {
        let index = IndexDate(time: ClinicalTime(fhir: "2025-01-10")!, source: .firstTACE)
        let obs = Self.inputs(Self.vectors[2]).map { o -> TypedObservation in
            var o = o
            // Imaging a few days before the labs: each input's own date is named in the rationale.
            let imaging = o.concept == .vascularizationPattern || o.concept == .largestTumorDiameter
            o.effective = ClinicalTime(fhir: imaging ? "2025-01-03T11:00:00+09:00" : "2025-01-08")
            return o
        }
        let a = PTACE.assess(observations: obs, index: index, configuration: .init())
        let expectedStart = "p-TACE 15/19.5 = vascularization type 3 on 2025-01-03 (5.5) + ALBI grade 2, score -2.116, from bilirubin 20 µmol/L on 2025-01-08 and albumin 35 g/L on 2025-01-08 (3.5) + AFP 520 ng/mL on 2025-01-08 (3) + GGT 62 U/L on 2025-01-08 (1) + largest tumor 6.2 cm on 2025-01-03 (2); risk grade 5 (13 to <16). Probability 0.773 = Table 5 training estimated risk for grade 5, expressed as a fraction (0-1). Index date 2025-01-10 (first TACE)"
        #expect(a.rationale.hasPrefix(expectedStart), "\(a.rationale)")
        #expect(a.rationale.contains("JSH-LCSGJ"))
        for (name, value) in ScoringConfiguration().echo {
            #expect(a.rationale.contains("\(name)=\(value)"))
        }
        #expect(a.rationale.contains(ScoringConfiguration.version))
    }

    @Test func missingAFPIsNeverScoredAsZero() throws {
        // Others: type 3 (5.5) + ALBI grade 2 (3.5) + GGT 62 (1) + 6.2 cm (2) = 12.
        let obs = Self.inputs(Self.vectors[2]).filter { $0.concept != .afp }
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        #expect(!a.isComplete)
        #expect(a.total == nil && a.grade == nil && a.probability == nil && a.qualitativeRisk == nil && a.logisticProbability == nil)
        #expect(a.reachableTotal == 12...17)
        #expect(a.reachableGrades == 4...6)
        #expect(a.missingConcepts == [.afp])
        guard case .unavailable(let reach, let gaps, _) = a.outcome(of: .afp) else {
            Issue.record("AFP should be unavailable"); return
        }
        #expect(reach == [0, 3, 5])
        #expect(gaps.count == 1 && gaps[0].0 == .afp && gaps[0].1 == .noObservation)
        #expect(a.rationale.hasPrefix("p-TACE not computed: missing or unusable AFP [0, 3 or 5 points possible] (afp: no observation)"))
        #expect(a.rationale.contains("Reachable total 12 to 17 of 19.5 (risk grades 4 to 6)"))
        #expect(a.evidence.count == 5)
    }

    @Test func incompleteButGradeDeterminedIsStillNotScored() {
        // Everything at 0 except GGT missing: 0...3.5, grade 1 whichever value — still not a result.
        let obs = Self.inputs(Self.vectors[0]).filter { $0.concept != .ggt }
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        #expect(a.grade == nil && !a.isComplete)
        #expect(a.reachableGrades == 1...1)
        #expect(a.rationale.contains("risk grade 1 whatever the missing values"))
    }

    @Test func censoredAFPAboveTheTopCutoffScoresFive() {
        var obs = Self.inputs(Self.vectors[2]).filter { $0.concept != .afp }
        obs.append(T.q(.afp, 60500, .greaterThan))
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        #expect(a.outcome(of: .afp).points == 5)
        #expect(a.total == 17)
        #expect(a.rationale.contains("AFP >60500 ng/mL on 2025-01-08 (5)"))
    }

    @Test func censoredAFPBelow100IsAmbiguous() {
        var obs = Self.inputs(Self.vectors[2]).filter { $0.concept != .afp }
        let censored = T.q(.afp, 100, .lessThan)
        obs.append(censored)
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        guard case .unavailable(let reach, let gaps, let evidence) = a.outcome(of: .afp) else {
            Issue.record("AFP <100 should be unavailable"); return
        }
        #expect(reach == [0, 3])
        #expect(evidence == [censored])
        #expect(a.evidence.contains(censored))
        #expect(a.reachableTotal == 12...15)
        #expect(a.reachableGrades == 4...5)
        #expect(a.missingConcepts == [.afp])
        if case .notUsable(let why) = gaps[0].1 { #expect(why.contains("AFP <100 ng/mL on 2025-01-08 is censored")) } else { Issue.record("gap") }
    }

    @Test func albiPairSevenDaysApartIsAccepted() {
        var obs = Self.inputs(Self.vectors[2]).filter { $0.concept != .albumin }
        obs.append(T.q(.albumin, 35, at: T.before(days: 2 + 7)))
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        #expect(a.outcome(of: .albi).points == 3.5)
        #expect(a.isComplete)
    }

    @Test func albiPairMoreThanSevenDaysApartIsUnavailableWithReason() {
        var obs = Self.inputs(Self.vectors[2]).filter { $0.concept != .albumin }
        obs.append(T.q(.albumin, 35, at: T.before(days: 2 + 7, seconds: 1)))
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        guard case .unavailable(let reach, let gaps, _) = a.outcome(of: .albi) else {
            Issue.record("ALBI should be unavailable"); return
        }
        #expect(reach == [0, 3.5])
        #expect(gaps.count == 1 && gaps[0].0 == .albumin)
        #expect(gaps[0].1 == .notUsable("bilirubin and albumin 7 days apart and no earlier pair within albi.maxPairGapDays = 7"))
        #expect(a.missingConcepts == [.albumin])
        #expect(a.albi == nil)
        #expect(a.reachableTotal == 11.5...15)
    }

    @Test func anEarlierSameDrawPairIsUsedWhenTheLatestResultsAreTooFarApart() {
        // Latest bilirubin 2 days before the index, latest albumin 12 days before: too far apart. An earlier
        // bilirubin from the albumin's draw (12 days before) makes a usable pair, and the rationale says so.
        var obs = Self.inputs(Self.vectors[2]).filter { $0.concept != .albumin }
        obs.append(T.q(.albumin, 35, at: T.before(days: 12)))
        obs.append(T.q(.bilirubinTotal, 20, at: T.before(days: 12)))
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        #expect(a.isComplete)
        #expect(a.albi?.bilirubinUmolPerL == 20)
        #expect(a.rationale.contains("the most recent pair at most 7 days apart was used"))
    }

    @Test func albiPairGapIsConfigurable() throws {
        var c = ScoringConfiguration()
        try c.set("albi.maxPairGapDays", to: "10")
        var obs = Self.inputs(Self.vectors[2]).filter { $0.concept != .albumin }
        obs.append(T.q(.albumin, 35, at: T.before(days: 11)))
        #expect(PTACE.assess(observations: obs, index: T.indexDate, configuration: c).isComplete)
        #expect(!PTACE.assess(observations: obs, index: T.indexDate, configuration: .init()).isComplete)
    }

    @Test func zeroBilirubinMakesALBIUnavailable() {
        var obs = Self.inputs(Self.vectors[2]).filter { $0.concept != .bilirubinTotal }
        obs.append(T.q(.bilirubinTotal, 0))
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        #expect(a.outcome(of: .albi).points == nil)
        #expect(a.missingConcepts == [.bilirubinTotal])
        #expect(a.rationale.contains("bilirubin-total value is not plausible (must be positive)"))
    }

    @Test(arguments: [-3.0, 0.0])
    func nonPositiveAlbuminIsRejectedNotScored(albumin: Double) {
        var obs = Self.inputs(Self.vectors[0]).filter { $0.concept != .albumin }
        obs.append(T.q(.albumin, albumin))
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        #expect(!a.isComplete)
        #expect(a.missingConcepts == [.albumin])
    }

    @Test func implausibleAlbuminIsFlaggedNotRejected() {
        var obs = Self.inputs(Self.vectors[0]).filter { $0.concept != .albumin }
        obs.append(T.q(.albumin, 62))
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        #expect(a.isComplete)
        #expect(a.warnings == ["albumin 62 g/L is outside the plausible 5-60 g/L"])
        #expect(a.rationale.contains("Check: albumin 62 g/L"))
    }

    @Test func qualitativeMapIsConfigurable() throws {
        var c = ScoringConfiguration()
        try c.set("ptace.qualitativeMap", to: "1=negligible,2=low,3=moderate,4=moderate,5=high,6=certain")
        let a = PTACE.assess(observations: Self.inputs(Self.vectors[4]), index: T.indexDate, configuration: c)
        #expect(a.qualitativeRisk == .certain)
    }

    @Test func staleImagingIsReportedAsMissing() {
        var obs = Self.inputs(Self.vectors[2]).filter { $0.concept != .largestTumorDiameter }
        obs.append(T.q(.largestTumorDiameter, 6.2, at: T.before(days: 61)))
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        #expect(a.missingConcepts == [.largestTumorDiameter])
        #expect(a.reachableTotal == 13...15)
        #expect(a.rationale.contains("outside the 60-day lookback"))
    }

    @Test func assessmentIsDeterministic() {
        let obs = Self.inputs(Self.vectors[3])
        let a = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        let b = PTACE.assess(observations: obs, index: T.indexDate, configuration: .init())
        #expect(a.rationale == b.rationale && a.total == b.total && a.evidence == b.evidence)
    }
}
