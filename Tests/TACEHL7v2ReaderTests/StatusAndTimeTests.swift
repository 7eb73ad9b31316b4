import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
@testable import TACEHL7v2Reader

@Suite("OBX-11 result status")
struct StatusTests {
    func status(_ code: String) throws -> FHIRReadOutput {
        try read(oru("NM|1834-1^AFP^LN||12|ng/mL|||||\(code)"))
    }

    @Test func finalCorrectedAndPreliminaryAreKeptWithTheirStatus() throws {
        #expect(try only(status("F")).status == .final)
        #expect(try only(status("C")).status == .corrected)
        #expect(try only(status("P")).status == .preliminary)
    }

    @Test func registeredIncompleteAndSpecimenInLabAreRegistered() throws {
        for code in ["R", "I", "S"] { #expect(try only(status(code)).status == .registered) }
    }

    @Test func deletedCancelledAndWrongResultsAreExcludedAndCounted() throws {
        for code in ["X", "D", "W"] {
            let out = try status(code)
            #expect(out.observations.isEmpty)
            #expect(out.report.skippedByKind[.excludedStatus] == 1)
        }
    }

    @Test func orderDetailStatusIsNeverAResult() throws {
        let out = try status("O")
        #expect(out.observations.isEmpty && out.report.skippedByKind[.orderNotResult] == 1)
    }

    @Test func unknownStatusCodeStopsWithPositionOrIsCountedWhenSkipping() throws {
        #expect(throws: HL7v2ReadError.self) { try status("Q") }
        do {
            _ = try status("Q")
        } catch let error as HL7v2ReadError {
            #expect(error.location == "message 1 OBX[1]-11")
        }
        let out = try read(oru("NM|1834-1^AFP^LN||12|ng/mL|||||Q"), policy: .skip)
        #expect(out.observations.isEmpty && out.report.skippedByKind[.invalidResource] == 1)
    }
}

@Suite("OBX-14 and OBR-7 times")
struct TimeTests {
    @Test func observationTimeWithOffsetKeepsTheOffset() throws {
        let o = try only(read(oru("NM|1834-1^AFP^LN||12|ng/mL|||||F|||20250107143000-0500")))
        #expect(o.effective == ClinicalTime(year: 2025, month: 1, day: 7, hour: 14, minute: 30, utcOffsetSeconds: -18_000))
        #expect(o.effective?.fhirDateTime == "2025-01-07T14:30:00-05:00")
    }

    @Test func observationTimeWithoutOffsetKeepsANilOffset() throws {
        let o = try only(read(oru("NM|1834-1^AFP^LN||12|ng/mL|||||F|||202501071430")))
        #expect(o.effective == ClinicalTime(year: 2025, month: 1, day: 7, hour: 14, minute: 30, utcOffsetSeconds: nil, precision: .minute))
        #expect(o.effective?.utcOffsetSeconds == nil)
    }

    @Test func withoutObservationTimeTheGroupsOBR7IsUsed() throws {
        let o = try only(read(oru("NM|1834-1^AFP^LN||12|ng/mL|||||F")))
        #expect(o.effective == ClinicalTime(year: 2025, month: 1, day: 8, hour: 8, minute: 15, utcOffsetSeconds: 3600))
    }

    @Test func fractionalSecondsAndPartialDatesKeepTheirPrecision() throws {
        #expect(HL7TimeStamp.parse("20141225120030.1234-0500")?.precision == .fraction)
        #expect(HL7TimeStamp.parse("2014")  == ClinicalTime(year: 2014, precision: .year))
        #expect(HL7TimeStamp.parse("201402") == ClinicalTime(year: 2014, month: 2, precision: .month))
        #expect(HL7TimeStamp.parse("20140203") == ClinicalTime(year: 2014, month: 2, day: 3, precision: .day))
        #expect(HL7TimeStamp.parse("2014020317")?.precision == .minute)
    }

    @Test func impossibleDatesAreRejected() {
        for text in ["20140230", "2014-02-03", "201413", "20140203250000", "20140203+05", "2014020312300", "x"] {
            #expect(HL7TimeStamp.parse(text) == nil, "\(text)")
        }
    }

    @Test func invalidObservationTimeStopsWithItsField() throws {
        #expect {
            try read(oru("NM|1834-1^AFP^LN||12|ng/mL|||||F|||2025-01-07"))
        } throws: { error in
            (error as? HL7v2ReadError)?.location == "message 1 OBX[1]-14"
        }
    }
}

@Suite("Report texts never echo what may be patient data")
struct ReportEchoTests {
    @Test func obx11ThatIsNotAStatusIsWithheldNotQuoted() throws {
        let out = try read(oru("NM|1834-1^AFP^LN||12|ng/mL|||||SMITH"), policy: .skip)
        let detail = try #require(out.report.items.first?.detail)
        #expect(!detail.contains("SMITH"))
        #expect(detail.contains("(value withheld, 5 characters)"))
    }

    @Test func excludedOBX11StatusFromTable0085IsQuoted() throws {
        let out = try read(oru("NM|1834-1^AFP^LN||12|ng/mL|||||x"))
        #expect(out.report.items.first?.detail.contains("'X'") == true)
    }

    @Test func unknownUnitIsWithheld() throws {
        let out = try read(oru("NM|1751-7^Albumin^LN||38|SmithJohn|||||F"))
        #expect(out.report.skippedByKind[.unknownUnit] == 1)
        #expect(out.report.items.first?.detail.contains("SmithJohn") == false)
    }
}
