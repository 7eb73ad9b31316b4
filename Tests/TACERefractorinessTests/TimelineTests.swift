import Testing
import TACEModel
@testable import TACERefractoriness

@Suite("Patient timeline")
struct TimelineTests {
    @Test func sessionsAreOnePerDayWithTheirSameDayAttributes() {
        let t = P.timeline(
            P.tace(0, selectivity: "superselective", adequacy: "adequate", intent: "curative"),
            [P.obs(.tace, .event, 0, key: "second-record", type: "Procedure")],
            P.tace(40, selectivity: "non-selective", agentChanged: "yes", reanalysed: "no"),
            [P.coded(.taceAdequacy, "inadequate", 41)]  // a day without a session: not attached
        )
        #expect(t.sessions.count == 2)
        #expect(t.sessions[0].procedures.count == 2)
        #expect(t.sessions[0].selectivity?.value == .superselective)
        #expect(t.sessions[0].adequate?.value == true)
        #expect(t.sessions[0].intent?.value == .curative)
        #expect(t.sessions[1].selectivity?.value == .nonSelective)
        #expect(t.sessions[1].adequate == nil)
        #expect(t.sessions[1].agentChanged?.value == true)
        #expect(t.sessions[1].feedingArteryReanalysed?.value == false)
        #expect(t.sessions[1].modificationRecorded)
        #expect(t.unattachedSessionAttributes.map(\.concept) == [.taceAdequacy])
    }

    @Test func imagingOfOneDayIsOneStudy() {
        let t = P.timeline([P.viable(60, 30, key: "a"), P.viable(20, 30, key: "b"), P.target("SD", 30), P.overall("PD", 30),
                            P.count(3, 30), P.newLesions(1, 30), P.vp(2, 30), P.vv(0, 30), P.ehs(false, 30), P.count(2, -5)])
        #expect(t.assessments.map(\.day) == [P.day(-5), P.day(30)])
        let a = t.assessments[1]
        #expect(a.viablePercents.map(\.value.value) == [60, 20])
        #expect(a.targetResponses.map(\.value) == [.stableDisease])
        #expect(a.overallResponses.map(\.value) == [.progressiveDisease])
        #expect(a.tumorCount?.value.value == 3)
        #expect(a.newIntrahepaticLesions?.value.value == 1)
        #expect(a.portalVeinGrade?.value == 2)
        #expect(a.hepaticVeinGrade?.value == 0)
        #expect(a.extrahepaticSpread?.value == false)
        #expect(a.hasResponseData)
        #expect(t.assessments[0].tumorCount?.value.value == 2)
    }

    @Test func undatedAndUnusableObservationsAreCountedAndLeftOut() {
        var undated = P.viable(70, 30)
        undated.effective = nil
        let preliminary = P.obs(.afp, .quantity(Measurement(500, .ngPerML)), 10, status: .preliminary)
        let t = P.timeline(P.tace(0), [undated, preliminary, P.afp(400, 5)])
        #expect(t.undatedCount == 1)
        #expect(t.unusableStatusCount == 1)
        #expect(t.assessments.isEmpty)
        #expect(t.markers[.afp]?.map(\.value.value) == [400])
    }

    @Test func aCorrectedValueOnTheSameDayReplacesTheFinalOne() {
        let final = P.afp(400, 5)
        var corrected = P.afp(40, 5)
        corrected.status = .corrected
        let t = P.timeline([corrected, final])
        #expect(t.markers[.afp]?.map(\.value.value) == [40])
    }

    /// Review example 3: viable 70 % final and 20 % corrected on the same study is one lesion at 20 %, not two.
    @Test("a corrected or amended imaging result replaces the final ones of its kind on that study",
          arguments: [ObservationStatus.corrected, .amended])
    func correctedImagingReplacesFinal(status: ObservationStatus) {
        func fix(_ o: TypedObservation) -> TypedObservation { var o = o; o.status = status; return o }
        let study = [P.viable(70, 90), fix(P.viable(20, 90, key: "c")), P.target("SD", 90), fix(P.target("PR", 90, key: "c")),
                     P.overall("SD", 90), fix(P.coded(.mrecistResponse, "PR", 90, key: "c"))]
        for order in [study, study.reversed()] {
            let a = P.timeline(Array(order)).assessments[0]
            #expect(a.viablePercents.map(\.value.value) == [20])
            #expect(a.targetResponses.map(\.value) == [.partialResponse])
            #expect(a.overallResponses.map(\.value) == [.partialResponse])
        }
        // Two final lesions stay two lesions.
        let two = P.timeline([P.viable(70, 90), P.viable(20, 90, key: "b")]).assessments[0]
        #expect(two.viablePercents.count == 2)
    }

    @Test func aCorrectedViablePercentDecidesJSH2014() {
        var corrected = P.viable(20, 90, key: "c")
        corrected.status = .corrected
        let t = P.timeline(P.tace(0), [P.viable(60, 30)], P.tace(60), [P.viable(70, 90), corrected])
        #expect(verdict(.jsh2014, t, on: 200).status == .notRefractory)
        // Without the correction the two final values are refractory.
        #expect(verdict(.jsh2014, P.timeline(P.tace(0), [P.viable(60, 30)], P.tace(60), [P.viable(70, 90)]), on: 200).status == .refractory)
    }

    /// Review 8: TACE-2 dated only "2025-03" and a CT on 2025-03-29 must not become "+28 d, refractory".
    @Test("a session dated only to its month makes the verdict indeterminate, a dated one decides",
          arguments: [ClinicalTime.Precision.month, .year, .day])
    func partialDatesAreNotPlacedOnDayOne(precision: ClinicalTime.Precision) {
        var second = P.obs(.tace, .event, 0, type: "Procedure")
        second.effective = ClinicalTime(year: 2025, month: precision == .year ? 1 : 3, day: 1, utcOffsetSeconds: nil, precision: precision)
        let ct = P.day(0).days(since: P.origin) + ClinicalDay(year: 2025, month: 3, day: 29).days(since: P.origin)
        let t = P.timeline(P.tace(0), [P.viable(70, 30), second, P.viable(80, ct)])
        for d in [RefractorinessDefinition.jsh2014, .zhang2022, .iasl] {
            let v = verdict(d, t, on: 200)
            if precision == .day {
                if d == .jsh2014 { #expect(v.status == .refractory && v.dayMet == ClinicalDay(year: 2025, month: 3, day: 29)) }
                #expect(!v.rationale.contains("date imprecise"))
            } else {
                #expect(v.status == .indeterminate)
                #expect(v.dayMet == nil)
                #expect(v.missing.contains { $0.contains("date imprecise") })
            }
        }
        if precision != .day { #expect(t.impreciseEvents.count == 1 && t.sessions.count == 1) }
    }

    @Test func refractorinessMetBeforeAnImpreciseEventStands() {
        var later = P.afp(500, 0)
        later.effective = ClinicalTime(year: 2025, month: 6, day: 1, utcOffsetSeconds: nil, precision: .month)
        let t = P.timeline(P.twoSessions(viable: 70, 80), [later])
        let v = verdict(.jsh2014, t, on: 300)
        #expect(v.status == .refractory && v.dayMet == P.day(90))
        #expect(v.notes.contains { $0.contains("date imprecise") })
        // An imprecise event in the month refractoriness was met: indeterminate.
        var same = P.afp(500, 0)
        same.effective = ClinicalTime(year: 2025, month: 4, day: 1, utcOffsetSeconds: nil, precision: .month)
        #expect(verdict(.jsh2014, P.timeline(P.twoSessions(viable: 70, 80), [same]), on: 300).status == .indeterminate)
    }

    @Test func otherTreatmentsIntentsAndAssertionsAreDated() {
        let t = P.timeline(P.tace(0), [P.other(.resection, 20), P.other(.systemicTherapy, 50),
                                       P.coded(.treatmentIntent, "palliative", 45), P.coded(.untreatableProgression, "present", 60),
                                       P.coded(.ecog, "1", 0), P.coded(.bclcStage, "B", -3)])
        #expect(t.otherTreatments.map(\.concept) == [.resection, .systemicTherapy])
        #expect(t.intents.map(\.value) == [.palliative])
        #expect(t.untreatableProgression.map(\.value) == [true])
        #expect(t.ecog.map(\.value) == [1])
        #expect(t.bclcStage.map(\.value) == ["B"])
    }

    @Test func asOfSeesNothingLater() {
        let t = P.timeline(P.twoSessions(viable: 80, 80), [P.afp(100, 70), P.other(.ablation, 100)])
        let cut = t.asOf(P.day(60))
        #expect(cut.sessions.count == 2)
        #expect(cut.assessments.map(\.day) == [P.day(30)])
        #expect(cut.markers[.afp]?.isEmpty == true)
        #expect(cut.otherTreatments.isEmpty)
        #expect(cut.asOfDay == P.day(60))
    }

    @Test func evidenceIsNamedByItsSourceReferenceElseByConceptAndDayNeverByFile() {
        var o = P.viable(70, 30)
        #expect(EvidenceLabel.of(o) == "Observation/viable-tumor-percent-d30")
        o.source = SourceProvenance(file: "/home/site/export.hl7", format: .hl7v2ER7, resourceReference: nil, location: "MSH[1]/OBX[2]",
                                    recordKey: "m1#2")
        #expect(EvidenceLabel.of(o) == "viable-tumor-percent of 2025-02-09")
    }

    @Test func clinicalDayIsTheLocalDateAsWritten() {
        // 2025-03-01T23:30-05:00 is 04:30Z on 2 March: the day as written is 1 March.
        let t = ClinicalTime(year: 2025, month: 3, day: 1, hour: 23, minute: 30, utcOffsetSeconds: -5 * 3600)
        #expect(ClinicalDay(t) == ClinicalDay(year: 2025, month: 3, day: 1))
        #expect(ClinicalDay(iso: "2025-03-01")?.description == "2025-03-01")
        #expect(ClinicalDay(iso: "2025-03") == nil)
        #expect(ClinicalDay(year: 2025, month: 3, day: 1).days(since: ClinicalDay(year: 2025, month: 1, day: 30)) == 30)
    }
}
