import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
@testable import TACESiteXMLReader

/// The status map and ISO 8601 times with their offsets.
@Suite("Site XML status and time")
struct StatusAndTimeTests {
    @Test("status-map rows decide the status", arguments: [("F", ObservationStatus.final), ("P", .preliminary), ("C", .corrected)])
    func mapped(written: String, status: ObservationStatus) throws {
        #expect(try only(read(report([result(status: written)]))).status == status)
    }

    @Test("cancelled and entered-in-error results are counted excluded-status, not read", arguments: ["X", "E"])
    func excluded(written: String) throws {
        let item = try skipped(read(report([result(status: written)])))
        #expect(item.kind == .excludedStatus)
    }

    @Test("a status the map does not list is invalid: exit with its location, or counted with skip")
    func unknownStatus() throws {
        let item = try skipped(read(report([result(status: "Q")])))
        #expect(item.kind == .invalidResource)
        #expect(item.detail == "status: status (value withheld, 1 character) has no status-map row for format 'acme'")
        #expect(throws: SiteXMLReadError.self) { try read(report([result(status: "Q")]), policy: .fail) }
        do {
            _ = try read(report([result(status: "Q")]), policy: .fail)
        } catch let error as SiteXMLReadError {
            #expect(error.description == "report.xml: record 1 (line 4: (/a:Report/a:Result)[1]): status: status (value withheld, 1 character) has no status-map row for format 'acme'")
        }
    }

    @Test("no status: unknown (read, not scored), unless a status-map row with an empty key says otherwise")
    func noStatus() throws {
        let xml = report(["<a:Result><a:Code system=\"LN\">1751-7</a:Code><a:Value unit=\"g/L\">40</a:Value></a:Result>"])
        #expect(try only(read(xml)).status == .unknown)
        #expect(try only(read(xml, tables: tables(acmeRows(extra: ["acme,status-map,,final"])))).status == .final)
        // Without a status XPath, the empty key is the status of every record.
        #expect(try only(read(xml, tables: tables(acmeRows(["status": nil], extra: ["acme,status-map,,final"])))).status == .final)
        #expect(try only(read(xml, tables: tables(acmeRows(["status": nil])))).status == .unknown)
    }

    @Test("times keep their offsets: +01:00, -05:30, Z, none (local time, zone unknown)")
    func offsets() throws {
        func time(_ text: String) throws -> ClinicalTime? {
            try only(read(report([result(time: "<a:Time>\(text)</a:Time>")]))).effective
        }
        let plusTime = try time("2025-01-08T07:30:00+01:00")
        let plus = try #require(plusTime)
        #expect(plus.utcOffsetSeconds == 3600)
        // 07:30 at +01:00 is 06:30 UTC.
        #expect(plus.epochSeconds == ClinicalTime(year: 2025, month: 1, day: 8, hour: 6, minute: 30, utcOffsetSeconds: 0).epochSeconds)
        #expect(try time("2025-01-08T07:30:00-05:30")?.utcOffsetSeconds == -19800)
        #expect(try time("2025-01-08T06:30:00Z")?.utcOffsetSeconds == 0)
        let localTime = try time("2025-01-08T07:30:00")
        let local = try #require(localTime)
        #expect(local.utcOffsetSeconds == nil)
        #expect(try time("2025-01-08T07:30+01:00")?.precision == .minute)
        #expect(try time("2025-01-08 07:30:00+01:00") == plus)
        #expect(try time("2025-01-08")?.precision == .day)
        #expect(try time("2025-01-08T07:30:00.250Z")?.precision == .fraction)
    }

    @Test("no time: no effective time (the observation is read)")
    func noTime() throws {
        #expect(try only(read(report([result(time: "")]))).effective == nil)
    }

    @Test("a time that is no ISO 8601 is invalid; the detail names the role, not the text",
          arguments: ["08.01.2025 07:30", "2025-13-01", "2025-02-30", "20250108073000", "2025-01-08T07:30:00+1:00"])
    func badTimes(text: String) throws {
        let item = try skipped(read(report([result(time: "<a:Time>\(text)</a:Time>")])))
        #expect(item.kind == .invalidResource)
        #expect(item.detail.hasPrefix("time: not an ISO 8601 date"))
        #expect(!item.detail.contains(text))
    }
}
