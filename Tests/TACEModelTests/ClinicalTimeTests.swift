import Testing
@testable import TACEModel

@Suite("FHIR date-times keep their offset and precision")
struct ClinicalTimeTests {
    @Test(arguments: [
        "2025", "2025-01", "2025-01-10", "2025-01-10T09:30:00Z", "2025-01-10T09:30:00+08:00",
        "2025-01-10T09:30:00-05:00", "2025-01-10T09:30:00.250+01:00", "2024-02-29T23:59:59+14:00",
    ])
    func formatsBackAsWritten(text: String) throws {
        let t = try #require(ClinicalTime(fhir: text))
        #expect(t.fhirDateTime == text)
    }

    @Test func offsetGivesTheSameInstantAsUTC() throws {
        let local = try #require(ClinicalTime(fhir: "2025-01-10T09:30:00+08:00"))
        let utc = try #require(ClinicalTime(fhir: "2025-01-10T01:30:00Z"))
        #expect(local.epochSeconds == utc.epochSeconds)
        #expect(local.utcOffsetSeconds == 8 * 3600)
    }

    @Test func plusZeroOffsetIsWrittenAsZ() throws {
        #expect(ClinicalTime(fhir: "2020-05-12T23:55:41+00:00")?.fhirDateTime == "2020-05-12T23:55:41Z")
    }

    @Test(arguments: ["2025-02-29", "2024-02-30", "2025-13-01", "2025-00-10", "2025-01-10T24:00:00Z",
                      "2025-01-10T09:60:00Z", "2025-01-10T09:30:00+15:00", "25-01-10", "2025-1-10", "2025-01-10T", "", "yesterday",
                      "2025-01-10T09:30:00.Z", "2025-01-10 09:30:00Z",
                      "2025-02-03T10:00:00", "2025-01-10T09:30Z", "2025-01-10T09:30+01:00"])
    func rejectsWhatIsNotAFHIRDate(text: String) {
        #expect(ClinicalTime(fhir: text) == nil)
    }

    @Test func daysBetweenTimes() throws {
        let a = try #require(ClinicalTime(fhir: "2025-01-01T00:00:00Z"))
        let b = try #require(ClinicalTime(fhir: "2025-01-31T00:00:00Z"))
        #expect(a.days(until: b) == 30)
        #expect(a.adding(days: 30) == b)
    }

    @Test func aTimeWithoutOffsetIsWrittenAsItsDateForFHIRAndAsWrittenForText() {
        // HL7 v2 20250310074500: local time, zone unknown. FHIR needs a zone; none is invented.
        let local = ClinicalTime(year: 2025, month: 3, day: 10, hour: 7, minute: 45, second: 0, utcOffsetSeconds: nil)
        #expect(local.fhirDateTime == "2025-03-10")
        #expect(local.lacksOffsetForFHIR)
        #expect(local.localText == "2025-03-10T07:45:00")
        // Late evening local time stays on its own local date (no shift through UTC).
        let late = ClinicalTime(year: 2025, month: 3, day: 10, hour: 23, minute: 30, second: 0, utcOffsetSeconds: nil)
        #expect(late.fhirDateTime == "2025-03-10")
        // With an offset, or at day precision, nothing is lost.
        let utc = ClinicalTime(year: 2025, month: 3, day: 10, hour: 7, minute: 45, second: 0, utcOffsetSeconds: 0)
        #expect(utc.fhirDateTime == "2025-03-10T07:45:00Z" && utc.localText == "2025-03-10T07:45:00Z" && !utc.lacksOffsetForFHIR)
        let plus8 = ClinicalTime(year: 2025, month: 3, day: 10, hour: 7, minute: 45, second: 0, utcOffsetSeconds: 8 * 3600)
        #expect(plus8.fhirDateTime == "2025-03-10T07:45:00+08:00" && plus8.localText == plus8.fhirDateTime)
        let day = ClinicalTime(year: 2025, month: 3, day: 10, utcOffsetSeconds: nil, precision: .day)
        #expect(day.fhirDateTime == "2025-03-10" && !day.lacksOffsetForFHIR)
    }

    @Test func civilCalendarRoundTripsOverCenturies() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (y, m, d) = ClinicalTimeFormat.civilFromDays(days)
            #expect(ClinicalTimeFormat.daysFromCivil(year: y, month: m, day: d) == days)
        }
    }
}

@Suite("Stable ids are deterministic and well-formed")
struct StableIDTests {
    @Test func sameInputsSameIdDifferentInputsDifferentId() {
        #expect(StableID(["a", "b"]) == StableID(["a", "b"]))
        #expect(StableID(["a", "b"]) != StableID(["ab"]))
        #expect(StableID(["a", "b"]) != StableID(["b", "a"]))
    }

    @Test func uuidHasTheRFC9562ShapeWithVersion8() {
        for i in 0..<500 {
            let u = StableID(["patient", String(i)]).uuid
            let parts = u.split(separator: "-").map(\.count)
            #expect(parts == [8, 4, 4, 4, 12])
            let chars = Array(u)
            #expect(chars[14] == "8")
            #expect("89ab".contains(chars[19]))
            #expect(u.allSatisfy { "0123456789abcdef-".contains($0) })
        }
    }

    @Test func hexIs32LowercaseDigitsMatchingTheHash() {
        let id = StableID(["x"])
        #expect(id.hex.count == 32)
        #expect(UInt128(id.hex, radix: 16) == id.value)
    }

    @Test func bytesFormsMatchTheStringForms() {
        for i in 0..<200 {
            let id = StableID(["resource", String(i)])
            #expect(id.withUTF8(.hex) { String(decoding: $0, as: UTF8.self) } == id.hex)
            #expect(id.withUTF8(.uuid) { String(decoding: $0, as: UTF8.self) } == id.uuid)
            #expect(id.withUTF8(.urnUUID) { String(decoding: $0, as: UTF8.self) } == "urn:uuid:" + id.uuid)
        }
        // Digits a-f and 0-9 at both ends of the value.
        #expect(StableID(value: 0).hex == String(repeating: "0", count: 32))
        #expect(StableID(value: .max).hex == String(repeating: "f", count: 32))
        #expect(StableID(value: .max).uuid == "ffffffff-ffff-8fff-bfff-ffffffffffff")
    }
}
