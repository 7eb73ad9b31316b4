import Testing
import TACEModel
@testable import TACERefractoriness

@Suite("ART and ABCR (clinical reference 6)")
struct ReTreatmentScoreTests {
    /// TACE-1 on day 0 (labs on day −2, 5 Child-Pugh points), TACE-2 on day 60 (labs on day 58),
    /// evaluation of TACE-1 on day 30.
    func course(ast1: Double = 40, ast2: Double = 40, albumin2: Double = 40, overall: String = "PR",
                afp: Double = 50, bclc: String? = "B", bclcDay: Int = -10) -> PatientTimeline {
        var obs = P.liver(-2) + P.liver(58, albumin: albumin2)
        obs += [P.quantity(.ast, ast1, -2), P.quantity(.ast, ast2, 58), P.afp(afp, -2), P.overall(overall, 30)]
        if let bclc { obs.append(P.coded(.bclcStage, bclc, bclcDay)) }
        return P.timeline(obs, P.tace(0), P.tace(60))
    }

    func art(_ t: PatientTimeline, on n: Int = 100) -> ReTreatmentScore { ReTreatmentScores.art(t, on: P.day(n)) }
    func abcr(_ t: PatientTimeline, on n: Int = 100) -> ReTreatmentScore { ReTreatmentScores.abcr(t, on: P.day(n)) }

    @Test("ART AST item: a rise of exactly 25 % scores 0, above 25 % scores 4", arguments: [(125.0, 0.0), (126.0, 4.0), (100.0, 0.0)])
    func artAST(ast2: Double, points: Double) {
        let s = art(course(ast1: 100, ast2: ast2))
        #expect(s.items.first { $0.name == "AST" }?.points == points)
    }

    @Test("ART Child-Pugh item: +0 → 0, +1 → 1.5, +2 → 3", arguments: [(40.0, 0.0), (30.0, 1.5), (25.0, 3.0)])
    func artChildPugh(albumin2: Double, points: Double) {
        #expect(art(course(albumin2: albumin2)).items.first { $0.name == "Child-Pugh" }?.points == points)
    }

    @Test func artChildPughDecreaseScoresZero() {
        let t = P.timeline(P.liver(-2, albumin: 30), P.liver(58), [P.quantity(.ast, 40, -2), P.quantity(.ast, 40, 58), P.overall("PR", 30)],
                           P.tace(0), P.tace(60))
        #expect(art(t).items.first { $0.name == "Child-Pugh" }?.points == 0)
    }

    @Test("ART totals and groups: 0-1.5 acceptable, >=2.5 poor", arguments: [
        (40.0, "PR", 0.0, "0-1.5"), (40.0, "SD", 1.0, "0-1.5"), (30.0, "PR", 1.5, "0-1.5"),
        (30.0, "SD", 2.5, ">=2.5"), (25.0, "PD", 4.0, ">=2.5"),
    ])
    func artGroups(albumin2: Double, overall: String, total: Double, group: String) {
        let s = art(course(albumin2: albumin2, overall: overall))
        #expect(s.points == total)
        #expect(s.group?.code == group)
        #expect(s.rationale.contains("group \(group)"))
    }

    @Test("group → qualitativeRisk follows art.qualitativeMap / abcr.qualitativeMap, defaults echoed")
    func qualitativeRiskFollowsTheConfiguredMap() throws {
        let poor = course(albumin2: 30, overall: "SD")  // ART 2.5: group >=2.5
        #expect(art(poor).qualitativeRisk == .high && art(course()).qualitativeRisk == .low)
        #expect(art(poor).qualitativeMapText == "art.qualitativeMap=0-1.5=low,>=2.5=high")
        var c = RefractorinessConfiguration()
        try c.set("art.qualitativeMap", to: "0-1.5=moderate, >=2.5=certain")
        #expect(ReTreatmentScores.art(poor, on: P.day(100), configuration: c).qualitativeRisk == .certain)
        #expect(ReTreatmentScores.art(course(), on: P.day(100), configuration: c).qualitativeRisk == .moderate)
        let b = abcr(course())
        #expect(b.qualitativeMapText == "abcr.qualitativeMap=<=0=low,1-3=moderate,>=4=high")
        try c.set("abcr.qualitativeMap", to: "<=0=negligible,1-3=low,>=4=moderate")
        #expect(ReTreatmentScores.abcr(course(), on: P.day(100), configuration: c).qualitativeRisk
            == c.abcrQualitativeMap[try #require(b.group).code])
    }

    @Test("a qualitativeMap must name every group once with a risk-probability code", arguments: [
        ("art.qualitativeMap", "0-1.5=low"), ("art.qualitativeMap", "0-1.5=low,>=2.5=bad"),
        ("art.qualitativeMap", "0-1.5=low,0-1.5=high"), ("abcr.qualitativeMap", "<=0=low,1-3=moderate,>=5=high"),
    ])
    func badQualitativeMapIsRefused(name: String, value: String) {
        var c = RefractorinessConfiguration()
        #expect(throws: (any Error).self) { try c.set(name, to: value) }
    }

    @Test func artIsNotComputedWithoutItsInputsAndSaysWhy() {
        let noAST = P.timeline(P.liver(-2), P.liver(58), [P.overall("PR", 30)], P.tace(0), P.tace(60))
        let s = art(noAST)
        #expect(!s.isComputed)
        #expect(s.missing.contains { $0.hasPrefix("AST before TACE-1") })
        #expect(s.rationale.hasPrefix("ART score (Sieghart 2013) not computed"))
        // A value from before TACE-1 never stands for "before TACE-2".
        let onlyBefore = P.timeline(P.liver(-2), [P.quantity(.ast, 40, -2), P.overall("PR", 30)], P.tace(0), P.tace(20))
        let b = art(onlyBefore)
        #expect(b.missing.contains { $0.hasPrefix("AST after TACE-1") })
        #expect(b.missing.contains { $0.hasPrefix("Child-Pugh after TACE-1") })
        #expect(b.missing.contains { $0.contains("TACE-1 not evaluated") })
        let single = ReTreatmentScores.art(P.timeline(P.tace(0)), on: P.day(0))
        #expect(single.missing == ["the evaluation day is the day of the first TACE: there is no interval before a second one"])
    }

    /// Review 18: with one session recorded, the values "before TACE-2" are read as of the evaluation day, and the
    /// rationale says which day that was and where it came from — never a silent "today".
    @Test func withOneSessionTheEvaluationDayStandsForTACE2AndIsNamed() {
        let t = P.timeline(P.liver(-2), P.liver(50), [P.quantity(.ast, 40, -2), P.quantity(.ast, 80, 50), P.overall("SD", 30)], P.tace(0))
        let s = art(t, on: 55)
        #expect(s.points == 5)
        #expect(s.rationale.contains("second TACE not yet recorded: values before it taken as of the evaluation day 2025-03-06 (the as-of day given)"))
        let run = ReTreatmentScores.both(t, on: P.day(55), dayOrigin: .runDay)
        for score in run {
            #expect(score.rationale.contains("second TACE not yet recorded: values before it taken as of 2025-03-06, the day of this run"
                                             + " (no as-of day given, so a run on another day can give another result"), "\(score.kind)")
        }
        // The day matters: the AST of day 50 is within art.labLookbackDays of day 55 and of day 80, not of day 81.
        #expect(art(t, on: 80).points == 5)
        #expect(!art(t, on: 81).isComputed)
        // A recorded second session is named as such, whatever the day's origin.
        let two = ReTreatmentScores.both(course(), on: P.day(100), dayOrigin: .runDay)
        #expect(two.allSatisfy { $0.rationale.contains("TACE-1 2025-01-10, second TACE 2025-03-11;") && !$0.rationale.contains("not yet recorded") })
    }

    @Test("ABCR AFP item at 200 ng/mL", arguments: [(200.0, 0.0), (201.0, 1.0)])
    func abcrAFP(afp: Double, points: Double) {
        #expect(abcr(course(afp: afp)).items.first { $0.name == "AFP" }?.points == points)
    }

    @Test("ABCR BCLC item", arguments: [("A", 0.0), ("B", 2.0), ("C", 3.0)])
    func abcrBCLC(stage: String, points: Double) {
        #expect(abcr(course(bclc: stage)).items.first { $0.name == "BCLC" }?.points == points)
    }

    @Test("ABCR totals and groups: <=0, 1-3, >=4", arguments: [
        ("A", 50.0, 40.0, "PR", -3.0, "<=0"),   // 0 + 0 + 0 − 3
        ("A", 50.0, 40.0, "SD", 0.0, "<=0"),
        ("A", 201.0, 40.0, "SD", 1.0, "1-3"),
        ("C", 50.0, 40.0, "SD", 3.0, "1-3"),
        ("C", 201.0, 40.0, "SD", 4.0, ">=4"),
        ("C", 201.0, 25.0, "SD", 6.0, ">=4"),    // Child-Pugh +2 → +2
        ("B", 50.0, 30.0, "SD", 2.0, "1-3"),     // Child-Pugh +1 → 0
    ])
    func abcrGroups(stage: String, afp: Double, albumin2: Double, overall: String, total: Double, group: String) {
        let s = abcr(course(albumin2: albumin2, overall: overall, afp: afp, bclc: stage))
        #expect(s.points == total)
        #expect(s.group?.code == group)
    }

    @Test func abcrIsNotComputedOutsideBCLCAToCOrWithoutStage() {
        let d = abcr(course(bclc: "D"))
        #expect(!d.isComputed && d.missing.contains { $0.contains("stages A to C") })
        let none = abcr(course(bclc: nil))
        #expect(!none.isComputed && none.missing.contains("no BCLC stage recorded in the 60 days up to TACE-1 (abcr.bclcLookbackDays)"))
    }

    /// Review 18: the BCLC stage "at baseline" is the last one recorded within abcr.bclcLookbackDays (default 60)
    /// up to TACE-1's day, both ends inclusive.
    @Test("ABCR BCLC lookback: 60 days before TACE-1 is in, 61 out; the day of TACE-1 is in, the day after out",
          arguments: [(-60, true), (-61, false), (0, true), (1, false)])
    func abcrBCLCLookback(day: Int, used: Bool) {
        let s = abcr(course(bclc: "C", bclcDay: day))
        #expect((s.items.first { $0.name == "BCLC" }?.points == 3) == used)
        #expect(s.isComputed == used)
        if !used {
            #expect(s.missing.contains { $0.hasPrefix("no BCLC stage recorded in the 60 days up to TACE-1 (abcr.bclcLookbackDays)") })
        }
    }

    @Test("abcr.bclcLookbackDays is a named parameter", arguments: [(29, false), (30, true)])
    func abcrBCLCLookbackParameter(lookback: Int, used: Bool) {
        let c = RefractorinessConfiguration().with("abcr.bclcLookbackDays", "\(lookback)")
        let s = ReTreatmentScores.abcr(course(bclc: "B", bclcDay: -30), on: P.day(100), configuration: c)
        #expect(s.isComputed == used)
        #expect(s.rationale.contains("at most \(lookback) days before TACE-1 (abcr.bclcLookbackDays)"))
        if !used { #expect(s.rationale.contains("(the last one, 2024-12-11, is older)")) }
    }

    /// §6.2: record `bclcVersion`. The edition is stated by a parameter (stage records carry none) and echoed;
    /// it does not change the points.
    @Test("abcr.bclcVersion is echoed", arguments: [("unstated", "edition of the recorded stages not stated"),
                                                     ("pre-2022", "recorded stages follow the pre-2022 BCLC"),
                                                     ("2022", "recorded stages follow BCLC 2022")])
    func abcrBCLCVersionIsEchoed(version: String, text: String) {
        let c = RefractorinessConfiguration().with("abcr.bclcVersion", version)
        let s = ReTreatmentScores.abcr(course(bclc: "B"), on: P.day(100), configuration: c)
        #expect(s.points == -1)
        #expect(s.rationale.contains("abcr.bclcVersion=\(version): \(text)"))
        #expect(c.echoText.contains("abcr.bclcVersion=\(version)"))
    }
}

@Suite("Factors after refractoriness (2024 HAIC study)")
struct PostRefractorinessTests {
    func factors(_ extra: [TypedObservation], sessions: Int = 1) -> [PostRefractorinessFactors.Factor] {
        var obs = extra
        for k in 0..<sessions { obs += P.tace(k * 40) }
        let t = P.timeline(obs)
        return PostRefractorinessFactors.assess(in: t, on: P.day(200), scoring: .init())
    }

    func present(_ f: [PostRefractorinessFactors.Factor], _ name: String) -> Bool? { f.first { $0.name == name }?.present }

    @Test("albumin ≤ 3 g/dL (30 g/L)", arguments: [(30.0, true), (30.1, false)])
    func albumin(value: Double, expected: Bool) {
        #expect(present(factors([P.quantity(.albumin, value, 190)]), "albumin") == expected)
    }

    @Test("AST > 40 U/L", arguments: [(40.0, false), (41.0, true)])
    func ast(value: Double, expected: Bool) {
        #expect(present(factors([P.quantity(.ast, value, 190)]), "AST") == expected)
    }

    @Test("CRP > 3 mg/L", arguments: [(3.0, false), (3.5, true)])
    func crp(value: Double, expected: Bool) {
        #expect(present(factors([P.quantity(.crp, value, 190)]), "CRP") == expected)
    }

    @Test("more than 4 tumors", arguments: [(4.0, false), (5.0, true)])
    func tumors(count: Double, expected: Bool) {
        #expect(present(factors([P.count(count, 190)]), "tumor count") == expected)
    }

    @Test("more than 4 prior TACE sessions", arguments: [(4, false), (5, true)])
    func sessions(n: Int, expected: Bool) {
        #expect(present(factors([], sessions: n), "prior TACE sessions") == expected)
    }

    /// Review 19: the factors are those of the evaluation day, not of the day refractoriness was met.
    @Test func factorsAreTakenOnTheEvaluationDay() {
        // Refractory since day 90; albumin 35 g/L then, 28 g/L on day 150.
        let t = P.timeline(P.twoSessions(viable: 70, 80), [P.quantity(.albumin, 35, 88), P.quantity(.albumin, 28, 150)])
        let v = verdict(.jsh2014, t, on: 160)
        #expect(v.status == .refractory && v.dayMet == P.day(90))
        #expect(v.notes.contains { $0.contains("on \(P.day(160))") && $0.contains("albumin 28 g/L") })
        let early = verdict(.jsh2014, t, on: 100)
        #expect(early.notes.contains { $0.contains("albumin 35 g/L") })
    }

    @Test func unrecordedFactorsAreSaidToBeUnknown() {
        let f = factors([])
        #expect(present(f, "albumin") == nil)
        #expect(f.first { $0.name == "CRP" }?.detail.contains("not known") == true)
    }

    @Test func onlyRefractoryVerdictsCarryTheFactors() {
        let refractory = verdict(.jsh2014, P.timeline(P.twoSessions(viable: 70, 80), [P.quantity(.albumin, 28, 85)]), on: 100)
        #expect(refractory.notes.contains { $0.contains("2024 HAIC study") && $0.contains("albumin 28 g/L") && $0.contains("present") })
        let not = verdict(.jsh2014, P.timeline(P.twoSessions(viable: 10, 10)), on: 100)
        #expect(!not.notes.contains { $0.contains("HAIC") })
    }
}
