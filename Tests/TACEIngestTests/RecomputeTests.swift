import Testing
import TACEModel
import TACEStore
@testable import TACEIngest

@Suite struct DocumentsAndRecompute {
    static let charlie = PatientIdentifier(system: "https://fhir.northgate-hospital.test/sid/mrn", value: "TEST-PTACE-CHARLIE")

    /// charlie's albumin as a FHIR Observation update (same id, new version) with another status and value.
    static func albuminUpdate(version: String, status: String, gPerDL: String) -> [UInt8] {
        Array("""
        {"resourceType":"Bundle","type":"collection","entry":[
         {"fullUrl":"https://ehr.test/fhir/Patient/ptace-charlie","resource":{"resourceType":"Patient","id":"ptace-charlie",
          "identifier":[{"system":"https://fhir.northgate-hospital.test/sid/mrn","value":"TEST-PTACE-CHARLIE"}]}},
         {"fullUrl":"https://ehr.test/fhir/Observation/charlie-alb","resource":{"resourceType":"Observation","id":"charlie-alb",
          "meta":{"versionId":"\(version)"},"status":"\(status)",
          "code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},"subject":{"reference":"Patient/ptace-charlie"},
          "effectiveDateTime":"2025-02-24T08:05:00+01:00",
          "valueQuantity":{"value":\(gPerDL),"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}}}]}
        """.utf8)
    }

    @Test func aBundleIsStoredPerResourceAndAResentBundleIsAllDuplicates() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        let bundle = try sampleBytes("samples/fhir/ptace-grade3.json")
        let first = await service.receiveDocument(bundle, name: "grade3.json", from: "test")
        #expect(first.failure == nil)
        #expect(first.deadLettered.isEmpty)
        #expect(first.stored == 14)  // 1 Condition + 2 Procedures + 11 Observations; the Patient carries identity only
        let again = await service.receiveDocument(bundle, name: "grade3.json", from: "test")
        #expect(again.stored == 0)
        #expect(again.duplicates == first.stored)
    }

    @Test func recomputeCreatesOnceThenWritesNothingForUnchangedData() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        _ = await service.receiveDocument(try sampleBytes("samples/fhir/ptace-grade3.json"), name: "grade3.json", from: "test")
        let first = try await service.recomputeDirty(limit: .max)
        #expect(first.patients == 1)
        #expect(first.created >= 1)
        #expect(first.amended == 0)
        #expect(try await store.dirtyPatients(limit: 10).isEmpty)
        let risks = try await service.riskAssessments(for: .identifier(Self.charlie))
        let ptace = try #require(risks.first { contains($0, "\"code\":\"p-tace\"") })
        #expect(contains(ptace, "\"status\":\"final\""))
        #expect(contains(ptace, "\"code\":\"grade-3\"") || contains(ptace, "grade 3") || contains(ptace, "Grade 3"))

        // The same data again (a duplicate) leaves the patient clean; an explicit recompute changes nothing.
        _ = await service.receiveDocument(try sampleBytes("samples/fhir/ptace-grade3.json"), name: "grade3.json", from: "test")
        #expect(try await store.dirtyPatients(limit: 10).isEmpty)
        let patient = try #require(try await store.patients(with: Self.charlie).first)
        let unchanged = try await service.recompute(patient)
        #expect(unchanged.created == 0 && unchanged.amended == 0)
        #expect(unchanged.unchanged == first.created)
        #expect(try await store.assessments(after: 0, since: nil, limit: 1000).count == first.created)
    }

    @Test func aCorrectedResultAmendsTheRiskAssessmentAndLinksTheOneItReplaces() async throws {
        let store = InMemoryStore()
        let clock = TestClock()
        let service = try makeService(store: store, clock: clock)
        _ = await service.receiveDocument(try sampleBytes("samples/fhir/ptace-grade3.json"), name: "grade3.json", from: "test")
        _ = try await service.recomputeDirty(limit: .max)
        let patient = try #require(try await store.patients(with: Self.charlie).first)
        let before = try #require(try await store.currentAssessments(patient: patient).first { $0.kind == "p-tace" })

        clock.advance(days: 1)
        // Albumin 3.6 -> 2.6 g/dL (corrected): ALBI changes, so p-TACE changes.
        let receipt = await service.receiveDocument(Self.albuminUpdate(version: "2", status: "corrected", gPerDL: "2.6"), name: "fix.json", from: "test")
        #expect(receipt.stored == 1)
        let snapshot = try #require(try await store.patient(patient))
        let albumins = try snapshot.observations.map { try ObservationCodec.decode($0.payload) }.filter { $0.concept == .albumin }
        #expect(albumins.count == 1)  // the final 3.6 is superseded
        #expect(albumins.first?.value.measurement?.value == 26)

        let summary = try await service.recomputeDirty(limit: .max)
        #expect(summary.amended >= 1)
        let after = try #require(try await store.currentAssessments(patient: patient).first { $0.kind == "p-tace" })
        #expect(after.version == before.version + 1)
        #expect(after.resourceID != before.resourceID)
        let risk = try #require(Recomputer.riskAssessments(in: after.resource).first)
        #expect(contains(risk, "\"status\":\"amended\""))
        #expect(contains(risk, "/StructureDefinition/replaces"))
        #expect(contains(risk, "\"value\":\"\(before.resourceID)\""))
        // The earlier version stays in the store for export, marked superseded.
        let all = try await store.assessments(after: 0, since: nil, limit: 1000).filter { $0.kind == "p-tace" }
        #expect(all.map(\.isSuperseded) == [true, false])
    }

    @Test func aCorrectionArrivingBeforeTheOriginalStillWins() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        _ = await service.receiveDocument(Self.albuminUpdate(version: "2", status: "corrected", gPerDL: "2.6"), name: "fix.json", from: "test")
        _ = await service.receiveDocument(Self.albuminUpdate(version: "1", status: "final", gPerDL: "3.6"), name: "orig.json", from: "test")
        let patient = try #require(try await store.patients(with: Self.charlie).first)
        let values = try #require(try await store.patient(patient)).observations.map { try ObservationCodec.decode($0.payload).value.measurement?.value }
        #expect(values == [26])
    }

    @Test func aPatientReferenceWithoutBusinessIdentifierIsDeadLettered() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        let orphan = Array("""
        {"resourceType":"Observation","id":"x1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},
         "subject":{"reference":"Patient/123"},"effectiveDateTime":"2025-02-24",
         "valueQuantity":{"value":3.6,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}}
        """.utf8)
        let receipt = await service.receiveDocument(orphan, name: "orphan.json", from: "test")
        #expect(receipt.stored == 0)
        let id = try #require(receipt.deadLettered.first)
        #expect(try await store.deadLetter(id)?.letter.reason.contains("no business identifier") == true)
    }

    @Test func observationPayloadsRoundTripWithoutLoss() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        let bundle = try sampleBytes("samples/fhir/ptace-grade3.json")
        let readings = service.reader.read(document: bundle, name: "g3.json", from: "test", at: "2026-01-01T00:00:00Z")
        var count = 0
        for case .unit(let unit, _, _) in readings {
            for record in unit.observations {
                let decoded = try ObservationCodec.decode(record.payload)
                #expect(ObservationCodec.encode(decoded) == record.payload)
                count += 1
            }
        }
        #expect(count > 10)
        // A damaged payload throws (never traps).
        let payloads: [[UInt8]] = readings.compactMap { r in if case .unit(let u, _, _) = r { return u.observations.first?.payload }; return nil }
        let first = try #require(payloads.first)
        for cut in [0, 1, 5, first.count / 2, first.count - 1] {
            #expect(throws: ObservationCodec.DecodingError.self) { try ObservationCodec.decode(Array(first.prefix(cut))) }
        }
    }
}

@Suite struct WithdrawnKinds {
    @Test func aKindNoLongerComputedIsWithdrawnFromQueries() async throws {
        let store = InMemoryStore()
        let all = try makeService(store: store)
        _ = await all.receiveDocument(try sampleBytes("samples/fhir/ptace-grade3.json"), name: "grade3.json", from: "test")
        _ = try await all.recomputeDirty(limit: .max)
        let patient = try #require(try await store.patients(with: DocumentsAndRecompute.charlie).first)
        #expect(try await all.riskAssessments(for: .stored(patient)).contains { contains($0, "jsh-lcsgj-2014") })

        // The site narrows the definitions: the others' verdicts must not stay current.
        let narrowed = try makeService(store: store) { $0.definitions = [.zhang2022] }
        let summary = try await narrowed.recompute(patient)
        #expect(summary.withdrawn >= 5)
        let risks = try await narrowed.riskAssessments(for: .stored(patient))
        #expect(!risks.contains { contains($0, "jsh-lcsgj-2014") })
        #expect(risks.contains { contains($0, "zhang-2022") })
        // Withdrawn once: a second recompute writes nothing.
        let again = try await narrowed.recompute(patient)
        #expect(again.withdrawn == 0 && again.created == 0 && again.amended == 0)
    }

    @Test func aNewVersionOfAFHIRProcedureReplacesTheEarlierOne() async throws {
        let store = InMemoryStore()
        let service = try makeService(store: store)
        func procedure(_ status: String, version: String) -> [UInt8] {
            Array("""
            {"resourceType":"Bundle","type":"collection","entry":[
             {"fullUrl":"urn:uuid:0d7e3a3c-0000-4000-8000-000000000009","resource":{"resourceType":"Patient","identifier":[{"system":"urn:x","value":"W1"}]}},
             {"resource":{"resourceType":"Procedure","id":"t1","meta":{"versionId":"\(version)"},"status":"\(status)",
              "code":{"coding":[{"system":"https://tacebridge.org/fhir/CodeSystem/hcc-procedures","code":"tace"}]},
              "subject":{"reference":"urn:uuid:0d7e3a3c-0000-4000-8000-000000000009"},"performedDateTime":"2025-03-01"}}]}
            """.utf8)
        }
        #expect(await service.receiveDocument(procedure("completed", version: "1"), name: "p1.json", from: "t").stored == 1)
        #expect(await service.receiveDocument(procedure("not-done", version: "2"), name: "p2.json", from: "t").stored == 1)
        let patient = try #require(try await store.patients(with: PatientIdentifier(system: "urn:x", value: "W1")).first)
        let current = try #require(try await store.patient(patient)).observations.map { try ObservationCodec.decode($0.payload) }
        #expect(current.count == 1)
        #expect(current.first?.value != .event)  // the completed session (value .event) is replaced by the not-done attempt
    }
}
