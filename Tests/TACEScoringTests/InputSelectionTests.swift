import Testing
import TACEModel
@testable import TACEScoring

@Suite("Input selection (clinical reference §8.1, §3.7) and index date")
struct InputSelectionTests {
    let c = ScoringConfiguration()

    func select(_ concept: Concept, _ obs: [TypedObservation], index: ClinicalTime = T.index) -> SelectedInput {
        InputSelection.select(concept, from: obs, index: index, configuration: c)
    }

    @Test func latestUsableWins() {
        let old = T.q(.afp, 10, at: T.before(days: 20))
        let new = T.q(.afp, 20, at: T.before(days: 3))
        let mid = T.q(.afp, 30, at: T.before(days: 10))
        let s = select(.afp, [old, new, mid])
        #expect(s.observation == new && s.gap == nil)
    }

    @Test(arguments: [ObservationStatus.preliminary, .cancelled, .enteredInError, .registered, .unknown])
    func unusableStatusIsIgnoredEvenWhenNewer(status: ObservationStatus) {
        let usable = T.q(.afp, 10, at: T.before(days: 20))
        let newer = T.q(.afp, 99999, at: T.before(days: 1), status: status)
        #expect(select(.afp, [usable, newer]).observation == usable)
        let s = select(.afp, [newer])
        #expect(s.observation == nil)
        #expect(s.gap == .onlyUnusableStatus([status]))
    }

    @Test func unusableStatusesAreListedOnceInInputOrder() {
        let s = select(.afp, [T.q(.afp, 1, status: .preliminary), T.q(.afp, 2, status: .enteredInError), T.q(.afp, 3, status: .preliminary)])
        #expect(s.gap == .onlyUnusableStatus([.preliminary, .enteredInError]))
    }

    @Test func amendedAndCorrectedAreUsable() {
        #expect(select(.afp, [T.q(.afp, 1, status: .amended)]).observation != nil)
        #expect(select(.afp, [T.q(.afp, 1, status: .corrected)]).observation != nil)
    }

    @Test func labLookbackIsInclusiveAtExactly30Days() {
        let edge = T.q(.afp, 10, at: T.before(days: 30))
        #expect(select(.afp, [edge]).observation == edge)
        let past = T.q(.afp, 10, at: T.before(days: 30, seconds: 1))
        let s = select(.afp, [past])
        #expect(s.observation == nil)
        #expect(s.gap == .stale(latest: T.before(days: 30, seconds: 1), lookbackDays: 30))
    }

    @Test func imagingLookbackIs60Days() {
        let edge = T.q(.largestTumorDiameter, 3, at: T.before(days: 60))
        #expect(select(.largestTumorDiameter, [edge]).observation == edge)
        let past = T.coded(.vascularizationPattern, "type-3", at: T.before(days: 60, seconds: 1))
        #expect(select(.vascularizationPattern, [past]).gap == .stale(latest: T.before(days: 60, seconds: 1), lookbackDays: 60))
    }

    @Test func clinicalConceptsUseTheLabLookback() {
        #expect(InputSelection.lookbackDays(for: .ascites, configuration: c) == 30)
        #expect(InputSelection.lookbackDays(for: .vascularizationPattern, configuration: c) == 60)
        #expect(InputSelection.lookbackDays(for: .ggt, configuration: c) == 30)
    }

    @Test func observationAfterIndexIsExcluded() {
        let atIndex = T.q(.afp, 10, at: T.index)
        #expect(select(.afp, [atIndex]).observation == atIndex)
        let after = T.q(.afp, 10, at: T.before(days: 0, seconds: -1))
        let s = select(.afp, [after])
        #expect(s.observation == nil)
        #expect(s.gap == .onlyAfterIndex(earliest: T.before(days: 0, seconds: -1)))
        let before = T.q(.afp, 20, at: T.before(days: 5))
        #expect(select(.afp, [before, after]).observation == before)
    }

    @Test func staleIsReportedInPreferenceToAfterIndex() {
        let s = select(.afp, [T.q(.afp, 1, at: T.before(days: 40)), T.q(.afp, 2, at: T.before(days: -1))])
        #expect(s.gap == .stale(latest: T.before(days: 40), lookbackDays: 30))
    }

    @Test func dateOnlyIndexCoversItsWholeDay() {
        let dayIndex = ClinicalTime(fhir: "2025-01-10")!
        let morning = T.q(.afp, 10, at: ClinicalTime(fhir: "2025-01-10T07:15:00Z"))
        #expect(select(.afp, [morning], index: dayIndex).observation == morning)
        let nextDay = T.q(.afp, 10, at: ClinicalTime(fhir: "2025-01-11T00:00:00Z"))
        #expect(select(.afp, [nextDay], index: dayIndex).observation == nil)
        // The window still starts 30 days before the start of the index day.
        let edge = T.q(.afp, 10, at: ClinicalTime(fhir: "2024-12-11T00:00:00Z"))
        #expect(select(.afp, [edge], index: dayIndex).observation == edge)
        let before = T.q(.afp, 10, at: ClinicalTime(fhir: "2024-12-10T23:59:59Z"))
        #expect(select(.afp, [before], index: dayIndex).observation == nil)
    }

    @Test func dateOnlyIndexWithOffsetCoversItsLocalDay() throws {
        let index = ClinicalTime(year: 2025, month: 1, day: 10, utcOffsetSeconds: 3600, precision: .day)
        let lateLocal = T.q(.afp, 10, at: ClinicalTime(fhir: "2025-01-10T23:30:00+01:00"))
        #expect(select(.afp, [lateLocal], index: index).observation == lateLocal)
        let nextLocal = T.q(.afp, 10, at: ClinicalTime(fhir: "2025-01-11T00:00:00+01:00"))
        #expect(select(.afp, [nextLocal], index: index).observation == nil)
    }

    @Test func tiesPreferCorrectedOrAmendedThenLaterInInput() {
        let t = T.before(days: 2)
        let final = T.q(.afp, 1, at: t, status: .final, key: "a")
        let corrected = T.q(.afp, 2, at: t, status: .corrected, key: "b")
        let amended = T.q(.afp, 3, at: t, status: .amended, key: "c")
        let final2 = T.q(.afp, 4, at: t, status: .final, key: "d")
        #expect(select(.afp, [corrected, final]).observation == corrected)
        #expect(select(.afp, [final, corrected]).observation == corrected)
        #expect(select(.afp, [corrected, amended, final2]).observation == amended)
        #expect(select(.afp, [final, final2]).observation == final2)
    }

    @Test func missingEffectiveTimeAndNoObservation() {
        #expect(select(.afp, []).gap == .noObservation)
        #expect(select(.afp, [T.q(.ggt, 10)]).gap == .noObservation)
        #expect(select(.afp, [T.q(.afp, 10, at: nil)]).gap == .noEffectiveTime)
    }

    @Test func textValueIsNotUsableAndIsPassedOver() {
        let text = T.obs(.afp, .text("hemolysed"), at: T.before(days: 1))
        let s = select(.afp, [text])
        #expect(s.observation == nil)
        #expect(s.gap == .notUsable("afp value is text, not a quantity in ng/mL"))
        let older = T.q(.afp, 10, at: T.before(days: 5))
        #expect(select(.afp, [older, text]).observation == older)
        let badCode = T.coded(.vascularizationPattern, "type-9")
        if case .notUsable(let why) = select(.vascularizationPattern, [badCode]).gap {
            #expect(why.contains("type-9"))
        } else { Issue.record("expected notUsable") }
    }

    @Test func indexDatePrefersAsOfThenFirstTACEThenRunTime() {
        let run = ClinicalTime(fhir: "2025-03-01T12:00:00Z")!
        let asOf = ClinicalTime(fhir: "2025-02-01")!
        let tace1 = T.obs(.tace, .event, at: ClinicalTime(fhir: "2025-01-20"))
        let tace2 = T.obs(.tace, .event, at: ClinicalTime(fhir: "2025-01-10"))
        let undated = T.obs(.tace, .event, at: nil)
        let erroneous = T.obs(.tace, .event, at: ClinicalTime(fhir: "2024-06-01"), status: .enteredInError)

        let a = resolveIndexDate(asOf: asOf, observations: [tace1, tace2], runTime: run)
        #expect(a.source == .asOf && a.time == asOf)
        let b = resolveIndexDate(asOf: nil, observations: [tace1, undated, tace2, erroneous], runTime: run)
        #expect(b.source == .firstTACE && b.time == ClinicalTime(fhir: "2025-01-10")!)
        let c = resolveIndexDate(asOf: nil, observations: [undated, T.q(.afp, 1)], runTime: run)
        #expect(c.source == .runTime && c.time == run)
        #expect(IndexDateSource.firstTACE.rawValue == "first-tace")
    }

    /// A TACE begun and aborted or not performed is read for the refractoriness timeline (review 13), but it is no
    /// first TACE: p-TACE's index stays the first completed one.
    @Test(arguments: ["stopped", "not-done"])
    func aTACENotCompletedIsNeverTheIndex(status: String) {
        let run = ClinicalTime(fhir: "2025-03-01T12:00:00Z")!
        let attempt = T.obs(.tace, .coded(status), at: ClinicalTime(fhir: "2025-01-05"))
        let done = T.obs(.tace, .event, at: ClinicalTime(fhir: "2025-01-20"))
        let i = resolveIndexDate(asOf: nil, observations: [attempt, done], runTime: run)
        #expect(i.source == .firstTACE && i.time == ClinicalTime(fhir: "2025-01-20")!)
        #expect(resolveIndexDate(asOf: nil, observations: [attempt], runTime: run).source == .runTime)
    }
}

@Suite("Selection details found in review")
struct SelectionReviewTests {
    static let index = ClinicalTime(fhir: "2025-01-10T09:30:00Z")!

    func size(_ cm: Double, at time: String) -> TypedObservation {
        TypedObservation(patient: PatientIdentity(reference: "Patient/p"), concept: .largestTumorDiameter,
                         value: .quantity(Measurement(cm, .cm)), effective: ClinicalTime(fhir: time), status: .final,
                         original: OriginalCoding(system: "http://loinc.org", code: "33728-7"),
                         source: SourceProvenance(file: "t", format: .fhirJSON, resourceReference: nil, location: "$", recordKey: "\(cm)"))
    }

    @Test(arguments: [[6.2, 4.8], [4.8, 6.2]])
    func largestLesionOfTheSameStudyWinsWhateverTheOrder(sizes: [Double]) {
        let obs = sizes.map { size($0, at: "2025-01-05T10:00:00Z") }
        let s = InputSelection.select(.largestTumorDiameter, from: obs, index: Self.index, configuration: .init())
        #expect(s.observation?.value.measurement?.value == 6.2)
    }

    @Test func aLaterStudyStillWinsOverALargerEarlierOne() {
        let obs = [size(7.0, at: "2025-01-01T10:00:00Z"), size(4.0, at: "2025-01-05T10:00:00Z")]
        let s = InputSelection.select(.largestTumorDiameter, from: obs, index: Self.index, configuration: .init())
        #expect(s.observation?.value.measurement?.value == 4.0)
    }

    @Test func dateOnlyIndexJudgesEachResultByItsOwnLocalDate() throws {
        let index = try #require(ClinicalTime(fhir: "2025-01-05"))
        // 2025-01-06 07:40 in UTC+8 is 2025-01-05 23:40 UTC, but it is the 6th where it was measured.
        let after = size(3.0, at: "2025-01-06T07:40:00+08:00")
        let sameDay = size(3.0, at: "2025-01-05T23:10:00-05:00")
        #expect(InputSelection.select(.largestTumorDiameter, from: [after], index: index, configuration: .init()).observation == nil)
        #expect(InputSelection.select(.largestTumorDiameter, from: [sameDay], index: index, configuration: .init()).observation != nil)
    }
}
