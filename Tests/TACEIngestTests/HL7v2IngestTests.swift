import Testing
import TACEModel
import TACEStore
@testable import TACEIngest

@Suite struct HL7v2Ingest {
    @Test func aStoredMessageIsAcknowledgedAAAndAResendIsStoredOnce() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        let first = await service.receiveHL7v2(albuminORU(control: "C1"), from: "test")
        guard case .stored = first.outcome else { Issue.record("not stored: \(first.outcome) \(first.reason ?? "")"); return }
        #expect(contains(first.ack, "MSA|AA|C1"))
        let again = await service.receiveHL7v2(albuminORU(control: "C1"), from: "test")
        guard case .duplicate = again.outcome else { Issue.record("resend not a duplicate: \(again.outcome)"); return }
        #expect(contains(again.ack, "MSA|AA|C1"))
        let patients = try await store.patients(with: PatientIdentifier(system: "urn:tacebridge:hl7v2-facility:LAB:authority:HOSP", value: "MRN-1"))
        #expect(patients.count == 1)
        let snapshot = try #require(try await store.patient(patients[0]))
        #expect(snapshot.observations.count == 1)
        let albumin = try ObservationCodec.decode(snapshot.observations[0].payload)
        #expect(albumin.concept == .albumin)
        #expect(albumin.value.measurement?.value == 39)  // 3.9 g/dL in the canonical g/L
    }

    @Test func anUnknownUnitGoesToTheDeadLetterTableWithAnAEThatLocatesTheField() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        let receipt = await service.receiveHL7v2(albuminORU(control: "C2", unit: "gramz/dL"), from: "test")
        guard case .deadLettered(let id) = receipt.outcome else { Issue.record("not dead-lettered: \(receipt.outcome)"); return }
        #expect(contains(receipt.ack, "MSA|AE|C2"))
        #expect(contains(receipt.ack, "ERR|"))
        #expect(contains(receipt.ack, "OBX^1^6"), "ERR-2 names OBX-6: \(receipt.ack.text)")
        let letter = try #require(try await store.deadLetter(id))
        #expect(letter.letter.raw == albuminORU(control: "C2", unit: "gramz/dL"))
        #expect(letter.letter.reason.contains("unknown-unit"))
        #expect(!letter.letter.reason.contains("3.9"))  // no values in reasons
        // Nothing of the message was stored.
        #expect(try await store.patients(with: PatientIdentifier(system: "urn:tacebridge:hl7v2-facility:LAB:authority:HOSP", value: "MRN-1")).isEmpty)
    }

    @Test func aRetryAfterAMappingFixStoresTheDeadLetter() async throws {
        // A local vascularization-pattern code whose coded answer the site has not mapped yet.
        let codesOnly = try temporaryDirectory()
        try write("system,code,concept\n99LOC,VASC,vascularization-pattern\n", to: codesOnly + "/codes.csv")
        let fixed = try temporaryDirectory()
        try write("system,code,concept\n99LOC,VASC,vascularization-pattern\n", to: fixed + "/codes.csv")
        try write("concept,system,code,value\nvascularization-pattern,99LOC,T3,type-3\n", to: fixed + "/values.csv")
        let message = Array(("MSH|^~\\&|RIS|RAD|TACEBRIDGE|ONC|20250217130000+0100||ORU^R01^ORU_R01|R1|P|2.5.1\r"
            + "PID|1||MRN-9^^^HOSP^MR\r"
            + "OBR|1|ORD-9|FIL-9|CT^CT liver^99LOC|||20250217130000+0100\r"
            + "OBX|1|CWE|VASC^Vascularization^99LOC||T3^Type three^99LOC||||||F|||20250217130000+0100\r").utf8)

        let store = InMemoryStore()
        let before = try makeService(store: store, mappingsDirectory: codesOnly)
        let receipt = await before.receiveHL7v2(message, from: "test")
        guard case .deadLettered(let id) = receipt.outcome else { Issue.record("not dead-lettered: \(receipt.outcome)"); return }
        #expect(try await store.deadLetter(id)?.letter.reason.contains("unmapped-value") == true)
        guard case .stillFailing = try await before.retry(id) else { Issue.record("retry without a fix must fail"); return }
        #expect(try await store.deadLetter(id)?.attempts == 2)

        let after = try makeService(store: store, mappingsDirectory: fixed)
        #expect(try await after.retry(id) == .stored(units: 1, duplicates: 0))
        let letter = try #require(try await store.deadLetter(id))
        #expect(letter.state == .resolved)
        #expect(try await after.retry(id) == .alreadyResolved)
        let patient = try #require(try await store.patients(with: PatientIdentifier(system: "urn:tacebridge:hl7v2-facility:RAD:authority:HOSP", value: "MRN-9")).first)
        let stored = try ObservationCodec.decode(try #require(try await store.patient(patient)).observations[0].payload)
        #expect(stored.value == .coded("type-3"))
        // The same message sent again now is a duplicate of the retried one, not a second copy.
        #expect(await after.receiveHL7v2(message, from: "test").outcome == .duplicate(of: try #require(letter.resolvedAs)))
    }

    @Test func anUnreadableMessageIsRejectedWithARAndKept() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        let junk: [UInt8] = Array("this is not HL7".utf8)
        let receipt = await service.receiveHL7v2(junk, from: "test")
        guard case .deadLettered(let id) = receipt.outcome else { Issue.record("not kept: \(receipt.outcome)"); return }
        #expect(contains(receipt.ack, "MSA|AR"))
        #expect(try await store.deadLetter(id)?.letter.raw == junk)
    }

    @Test func anIdentifierWithoutAuthorityIsScopedToTheSendingFacility() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        let receipt = await service.receiveHL7v2(albuminORU(control: "C4", authority: ""), from: "test")
        #expect(receipt.isAccepted)
        #expect(try await store.patients(with: PatientIdentifier(system: "urn:tacebridge:hl7v2-facility:LAB", value: "MRN-1")).count == 1)
    }

    @Test func errLocationIsReadFromReaderLocations() {
        let l = HL7v2Acks.location("message 1, OBX[2] (segment 5), OBX-6")
        #expect(l?.segmentID == "OBX" && l?.sequence == 2 && l?.field == 6)
        #expect(HL7v2Acks.location("document") == nil)
    }
}
