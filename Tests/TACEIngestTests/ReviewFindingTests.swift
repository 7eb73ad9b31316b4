import Testing
import TACEExport
import TACEModel
import TACEStore
@testable import TACEIngest

/// Findings of the ingest review (issue 5), each a test that failed before its fix.
@Suite struct IngestReviewFindings {
    static func oru(control: String, mrn: String, facility: String = "LAB", authority: String = "HOSP", albumin: String, bilirubin: String) -> [UInt8] {
        Array(("MSH|^~\\&|LIS|\(facility)|TACEBRIDGE|ONC|20250224090000+0100||ORU^R01^ORU_R01|\(control)|P|2.5.1\r"
            + "PID|1||\(mrn)^^^\(authority)^MR\r"
            + "OBR|1|ORD-1|FIL-1|24325-3^Hepatic function panel^LN|||20250224080500+0100\r"
            + "OBX|1|NM|1751-7^Albumin^LN||\(albumin)|g/dL^^UCUM|||||F|||20250224080500+0100\r"
            + "OBX|2|NM|1975-2^Bilirubin^LN||\(bilirubin)|mg/dL^^UCUM|||||F|||20250224080500+0100\r").utf8)
    }

    @Test func twoPatientsFromOneConnectionKeepTheirOwnEvidenceInExport() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        #expect(await service.receiveHL7v2(Self.oru(control: "A1", mrn: "AAA", albumin: "3.9", bilirubin: "0.9"), from: "mllp:10.0.0.1:40000").isAccepted)
        #expect(await service.receiveHL7v2(Self.oru(control: "B1", mrn: "BBB", albumin: "2.1", bilirubin: "3.5"), from: "mllp:10.0.0.1:40000").isAccepted)
        _ = try await service.recomputeDirty(limit: .max)
        var writer = ExportWriter(format: .ndjson, timestamp: "2026-01-01T00:00:00Z")
        for a in try await store.assessments(after: 0, since: nil, limit: 1000) { writer.add(a) }
        let text = writer.finish().text
        #expect(writer.conflictingEntries == 0)
        // Both patients' albumin values are exported (39 and 21 g/L), not one of them twice.
        #expect(text.contains("\"value\":39"))
        #expect(text.contains("\"value\":21"))
    }

    @Test func aReusedControlIDWithOtherContentIsDeadLetteredNotAcknowledgedAsAResend() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        #expect(await service.receiveHL7v2(Self.oru(control: "1", mrn: "B1", albumin: "3.9", bilirubin: "0.9"), from: "t").isAccepted)
        let resend = await service.receiveHL7v2(Self.oru(control: "1", mrn: "B1", albumin: "3.9", bilirubin: "0.9"), from: "t")
        guard case .duplicate = resend.outcome else { Issue.record("exact resend not a duplicate"); return }
        let reused = await service.receiveHL7v2(Self.oru(control: "1", mrn: "B2", albumin: "2.0", bilirubin: "2.0"), from: "t")
        guard case .deadLettered(let id) = reused.outcome else { Issue.record("reused control id accepted: \(reused.outcome)"); return }
        #expect(contains(reused.ack, "MSA|AE|1"))
        #expect(try await store.deadLetter(id)?.letter.reason.contains("already used") == true)
    }

    @Test func anAmendedFHIRResourceWithoutVersionIdIsANewVersion() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        func observation(_ status: String, _ value: String) -> [UInt8] {
            Array("""
            {"resourceType":"Bundle","type":"collection","entry":[
             {"fullUrl":"urn:uuid:0d7e3a3c-0000-4000-8000-000000000001","resource":{"resourceType":"Patient","identifier":[{"system":"urn:x","value":"P1"}]}},
             {"resource":{"resourceType":"Observation","id":"alb","status":"\(status)","code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},
              "subject":{"reference":"urn:uuid:0d7e3a3c-0000-4000-8000-000000000001"},"effectiveDateTime":"2025-02-24",
              "valueQuantity":{"value":\(value),"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}}}]}
            """.utf8)
        }
        #expect(await service.receiveDocument(observation("final", "3.6"), name: "a.json", from: "t").stored == 1)
        let amended = await service.receiveDocument(observation("amended", "2.6"), name: "b.json", from: "t")
        #expect(amended.stored == 1)
        #expect(amended.duplicates == 0)
        let patient = try #require(try await store.patients(with: PatientIdentifier(system: "urn:x", value: "P1")).first)
        let values = try #require(try await store.patient(patient)).observations.map { try ObservationCodec.decode($0.payload).value.measurement?.value }
        #expect(values == [26])
    }

    @Test func oneLocalAuthorityNameAtTwoFacilitiesIsTwoPatients() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        _ = await service.receiveHL7v2(Self.oru(control: "A", mrn: "12345", facility: "HOSP-A", authority: "MRN", albumin: "3.9", bilirubin: "0.9"), from: "t")
        _ = await service.receiveHL7v2(Self.oru(control: "B", mrn: "12345", facility: "HOSP-B", authority: "MRN", albumin: "2.1", bilirubin: "3.5"), from: "t")
        let a = try await store.patients(with: PatientIdentifier(system: "urn:tacebridge:hl7v2-facility:HOSP-A:authority:MRN", value: "12345"))
        let b = try await store.patients(with: PatientIdentifier(system: "urn:tacebridge:hl7v2-facility:HOSP-B:authority:MRN", value: "12345"))
        #expect(a.count == 1 && b.count == 1 && a != b)
    }

    /// A store that refuses any batch holding the unit with key `poison`.
    final class PoisonStore: ClinicalStore, @unchecked Sendable {
        let base = InMemoryStore()
        let poison: String
        init(poison: String) { self.poison = poison }
        func migrate() async throws {}
        func close() async throws {}
        func commit(_ units: [IncomingUnit]) async throws -> [CommitOutcome] {
            if units.contains(where: { $0.key.value.hasSuffix("|" + poison) }) { throw StoreError(operation: "commit", reason: "poisoned") }
            return try await base.commit(units)
        }
        func patient(_ id: StoredPatientID) async throws -> PatientSnapshot? { try await base.patient(id) }
        func patients(with identifier: PatientIdentifier) async throws -> [StoredPatientID] { try await base.patients(with: identifier) }
        func messageRaw(_ id: StoredMessageID) async throws -> [UInt8]? { try await base.messageRaw(id) }
        func dirtyPatients(limit: Int) async throws -> [StoredPatientID] { try await base.dirtyPatients(limit: limit) }
        func recordAssessments(_ d: [AssessmentDraft], patient: StoredPatientID, dataVersion: Int64, at: String) async throws -> AssessmentWriteOutcome {
            try await base.recordAssessments(d, patient: patient, dataVersion: dataVersion, at: at)
        }
        func currentAssessments(patient: StoredPatientID) async throws -> [StoredAssessment] { try await base.currentAssessments(patient: patient) }
        func assessments(after: Int64, since: String?, limit: Int) async throws -> [StoredAssessment] { try await base.assessments(after: after, since: since, limit: limit) }
        func addDeadLetter(_ letter: NewDeadLetter) async throws -> DeadLetterID { try await base.addDeadLetter(letter) }
        func deadLetters(state: DeadLetter.State?) async throws -> [DeadLetter] { try await base.deadLetters(state: state) }
        func deadLetter(_ id: DeadLetterID) async throws -> DeadLetter? { try await base.deadLetter(id) }
        func resolveDeadLetter(_ id: DeadLetterID, as message: StoredMessageID, at: String) async throws { try await base.resolveDeadLetter(id, as: message, at: at) }
        func recordRetryFailure(_ id: DeadLetterID, reason: String, location: String?, at: String) async throws {
            try await base.recordRetryFailure(id, reason: reason, location: location, at: at)
        }
    }

    @Test func aUnitTheStoreRefusesDoesNotFailTheOthersOfItsBatch() async throws {
        let service = try makeService(store: PoisonStore(poison: "POISON"))
        let receipts = await withTaskGroup(of: (String, Bool).self) { group in
            for control in ["G1", "POISON", "G2", "G3", "G4"] {
                group.addTask { (control, await service.receiveHL7v2(Self.oru(control: control, mrn: "M-" + control, albumin: "3.9", bilirubin: "0.9"), from: "t").isAccepted) }
            }
            var out: [String: Bool] = [:]
            for await (c, ok) in group { out[c] = ok }
            return out
        }
        #expect(receipts == ["G1": true, "POISON": false, "G2": true, "G3": true, "G4": true])
    }

    @Test func aStoreFailureIsAnARSoTheSenderResends() async throws {
        let service = try makeService(store: PoisonStore(poison: "X"))
        let r = await service.receiveHL7v2(Self.oru(control: "X", mrn: "M", albumin: "3.9", bilirubin: "0.9"), from: "t")
        #expect(r.outcome == .refused)
        #expect(contains(r.ack, "MSA|AR|X"))
    }
}
