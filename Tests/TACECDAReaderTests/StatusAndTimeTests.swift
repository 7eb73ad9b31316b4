import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
@testable import TACECDAReader

/// statusCode and effectiveTime as TACEBridge reads them (docs/formats.md).
@Suite("CDA statusCode and effectiveTime")
struct StatusAndTimeTests {
    static let albumin = #"<value xsi:type="PQ" value="3.9" unit="g/dL"/>"#

    @Test(arguments: [("completed", ObservationStatus.final), ("active", .preliminary), ("suspended", .preliminary),
                      ("new", .registered), ("held", .registered), ("normal", .unknown)])
    func statusCodeMapsToAnObservationStatus(code: String, status: ObservationStatus) throws {
        #expect(try only(readOne(observation(status: code, value: Self.albumin))).status == status)
    }

    @Test func missingStatusIsUnknownAndNeverScored() throws {
        let o = try only(readOne(observation(status: nil, value: Self.albumin)))
        #expect(o.status == .unknown && !o.status.isUsableForScoring)
    }

    @Test(arguments: ["aborted", "cancelled", "nullified", "obsolete"])
    func stoppedOrVoidedResultsAreExcluded(code: String) throws {
        let item = try onlySkip(readOne(observation(status: code, value: Self.albumin)))
        #expect(item.kind == .excludedStatus && item.detail.contains(code))
    }

    @Test func statusOutsideActStatusIsInvalidWithItsPath() throws {
        do {
            _ = try readOne(observation(status: "final", value: Self.albumin))
            Issue.record("expected an error")
        } catch let error as CDAReadError {
            #expect(error.location == "/ClinicalDocument/component/structuredBody/component/section/entry/observation/statusCode (line 15)")
            #expect(error.reason.contains("(value withheld, 5 characters)") && error.reason.contains("ActStatus"))  // not an ActStatus code: never quoted
        }
        let skipped = try read(xml: document([observation(status: "final", value: Self.albumin)]), policy: .skip)
        #expect(skipped.report.skippedByKind[.invalidResource] == 1)
    }

    @Test func observationWithoutStatusTakesItsOrganizers() throws {
        let organizer = """
        <organizer classCode="BATTERY" moodCode="EVN"><code code="24325-3" codeSystem="\(loinc)"/><statusCode code="active"/>
          <effectiveTime><low value="20250105101500+0100"/></effectiveTime>
          <component>\(observation(status: nil, time: nil, value: Self.albumin))</component></organizer>
        """
        let o = try only(read(xml: document([organizer])))
        #expect(o.status == .preliminary)
        #expect(o.effective?.fhirDateTime == "2025-01-05T10:15:00+01:00")
    }

    /// An explicit null on the observation's own statusCode or effectiveTime means unknown: the
    /// organizer's status and time are not put in its place.
    @Test(arguments: [
        (#"<statusCode nullFlavor="UNK"/>"#, ObservationStatus.unknown, #"<effectiveTime value="20250106"/>"#, "2025-01-06"),
        (#"<statusCode nullFlavor="NI"/>"#, ObservationStatus.unknown, "", "2025-01-05T10:15:00+01:00"),
        ("", ObservationStatus.preliminary, #"<effectiveTime nullFlavor="UNK"/>"#, nil),
        ("", ObservationStatus.preliminary, #"<effectiveTime><low nullFlavor="UNK"/><high value="20250106"/></effectiveTime>"#, nil),
        ("", ObservationStatus.preliminary, #"<effectiveTime><center nullFlavor="NA"/></effectiveTime>"#, nil),
        // Nothing given at all: the organizer's, as before.
        ("", ObservationStatus.preliminary, "", "2025-01-05T10:15:00+01:00"),
    ] as [(String, ObservationStatus, String, String?)])
    func explicitNullIsUnknownNotTheOrganizers(status: String, expected: ObservationStatus, time: String, fhirTime: String?) throws {
        let organizer = """
        <organizer classCode="BATTERY" moodCode="EVN"><code code="24325-3" codeSystem="\(loinc)"/><statusCode code="active"/>
          <effectiveTime><low value="20250105101500+0100"/></effectiveTime>
          <component>\(observation(status: nil, time: nil, value: Self.albumin, extra: status + time))</component></organizer>
        """
        let o = try only(read(xml: document([organizer])))
        #expect(o.status == expected)
        #expect(o.effective?.fhirDateTime == fhirTime)
    }

    @Test func organizerWithNullStatusAndTimePassesUnknownDown() throws {
        let inner = """
        <organizer classCode="CLUSTER" moodCode="EVN"><code code="24325-3" codeSystem="\(loinc)"/><statusCode nullFlavor="UNK"/>
          <effectiveTime nullFlavor="UNK"/>
          <component>\(observation(status: nil, time: nil, value: Self.albumin))</component></organizer>
        """
        let outer = """
        <organizer classCode="BATTERY" moodCode="EVN"><code code="24325-3" codeSystem="\(loinc)"/><statusCode code="completed"/>
          <effectiveTime value="20250105"/><component>\(inner)</component></organizer>
        """
        let o = try only(read(xml: document([outer])))
        #expect(o.status == .unknown && o.effective == nil)
    }

    @Test func procedureWithNullStatusIsNotTakenAsCompletedFromItsOrganizer() throws {
        let organizer = """
        <organizer classCode="CLUSTER" moodCode="EVN"><code code="X" codeSystem="2.999.77"/><statusCode code="completed"/>
          <component>\(tace(status: nil).replacingOccurrences(of: "<effectiveTime", with: #"<statusCode nullFlavor="UNK"/><effectiveTime"#))</component></organizer>
        """
        #expect(try onlySkip(read(xml: document([organizer]))).kind == .procedureNotCompleted)
    }

    @Test func timeKeepsItsOffsetAndPrecision() throws {
        let cases: [(String, String, ClinicalTime.Precision, Int?)] = [
            ("20250106073000+0100", "2025-01-06T07:30:00+01:00", .second, 3600),
            ("202501060730-0500", "2025-01-06T07:30:00-05:00", .minute, -18000),
            ("20250106", "2025-01-06", .day, nil),
            // No offset: FHIR gets the local date only (never an invented Z); localText keeps 07:00.
            ("2025010607", "2025-01-06", .minute, nil),
            ("20250106073012.25+0000", "2025-01-06T07:30:12.250Z", .fraction, 0),
        ]
        for (written, fhir, precision, offset) in cases {
            let o = try only(readOne(observation(time: written, value: Self.albumin)))
            let t = try #require(o.effective)
            #expect(t.fhirDateTime == fhir, "\(written)")
            #expect(t.precision == precision && t.utcOffsetSeconds == offset, "\(written)")
        }
    }

    @Test func timeWithoutOffsetIsNotMadeUTC() throws {
        let t = try #require(try only(readOne(observation(time: "20250106073000", value: Self.albumin))).effective)
        #expect(t.utcOffsetSeconds == nil)
        #expect(t.localText == "2025-01-06T07:30:00" && t.fhirDateTime == "2025-01-06")
        #expect(t == ClinicalTime(year: 2025, month: 1, day: 6, hour: 7, minute: 30, second: 0, utcOffsetSeconds: nil))
    }

    @Test func intervalTimeUsesItsLowOrCenter() throws {
        let low = observation(time: nil, value: Self.albumin,
                              extra: #"<effectiveTime><low value="20250104091500+0200"/><high value="20250104093000+0200"/></effectiveTime>"#)
        #expect(try only(readOne(low)).effective?.fhirDateTime == "2025-01-04T09:15:00+02:00")
        let center = observation(time: nil, value: Self.albumin, extra: #"<effectiveTime><center value="20250104"/></effectiveTime>"#)
        #expect(try only(readOne(center)).effective?.fhirDateTime == "2025-01-04")
    }

    @Test func noTimeAtAllLeavesTheTimeEmpty() throws {
        #expect(try only(readOne(observation(time: nil, value: Self.albumin))).effective == nil)
        let nullFlavor = observation(time: nil, value: Self.albumin, extra: #"<effectiveTime nullFlavor="UNK"/>"#)
        #expect(try only(readOne(nullFlavor)).effective == nil)
    }

    @Test(arguments: ["2025-01-06", "20251306", "20250230", "20250106073000+25", "20250106 0730", "yesterday", "20250106073000.12345"])
    func malformedTimeIsInvalid(text: String) throws {
        do {
            _ = try readOne(observation(time: text, value: Self.albumin))
            Issue.record("expected an error for \(text)")
        } catch let error as CDAReadError {
            #expect(error.location.contains("/observation/effectiveTime/@value (line"))
            #expect(!error.reason.contains(text))
        }
    }

    @Test func tsParserBoundaries() {
        #expect(HL7TimeStamp.parse("20240229") != nil)
        #expect(HL7TimeStamp.parse("20230229") == nil)
        #expect(HL7TimeStamp.parse("20250106235959+1400") != nil)
        #expect(HL7TimeStamp.parse("20250106240000") == nil)
        #expect(HL7TimeStamp.parse("20250106+1500") == nil)
        #expect(HL7TimeStamp.parse("2025")?.precision == .year)
        #expect(HL7TimeStamp.parse("202501")?.precision == .month)
    }
}
