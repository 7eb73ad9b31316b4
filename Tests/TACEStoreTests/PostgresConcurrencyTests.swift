import Testing
import TACEModel
import TACEStore
import TACEStorePostgres

/// Two store instances (as two processes would be) on one database, racing on the same rows.
@Suite struct PostgresStoreConcurrency {
    private static func unit(_ key: String, patient: String) -> IncomingUnit {
        IncomingUnit(key: IngestKey(kind: .hl7v2, value: key), format: .hl7v2ER7, receivedFrom: "race", receivedAt: "2026-01-01T00:00:00Z",
                     raw: Array(key.utf8), patients: [PatientClaim(identifiers: [PatientIdentifier(system: "urn:race", value: patient)])],
                     observations: [ObservationRecord(patient: 0, concept: .afp, status: .final, resultKey: key, supersedesEarlier: false,
                                                      payload: [1])])
    }

    /// Keys K0…K59 spread over seven new patients.
    private static func patientOf(_ key: String) -> String { "P\((Int(key.dropFirst()) ?? 0) % 7)" }

    @Test func sameKeysFromTwoInstancesAreStoredOnceAndNewPatientsMadeOnce() async throws {
        try await TestPostgres.withStore { first, url in
            let second = try PostgresStore(url: url)
            let keys = (0..<60).map { "K\($0)" }
            let batches = stride(from: 0, to: keys.count, by: 4).map { Array(keys[$0..<min($0 + 4, keys.count)]) }
            // Four writers, two per instance, each committing every key; one writer goes backwards.
            let outcomes = try await withThrowingTaskGroup(of: [(String, CommitOutcome)].self) { group in
                for (writer, store) in [first, second, first, second].enumerated() {
                    group.addTask {
                        var seen: [(String, CommitOutcome)] = []
                        for batch in writer == 3 ? batches.reversed() : batches {
                            let result = try await store.commit(batch.map { Self.unit($0, patient: Self.patientOf($0)) })
                            seen += zip(batch, result).map { ($0, $1) }
                        }
                        return seen
                    }
                }
                var all: [(String, CommitOutcome)] = []
                for try await part in group { all += part }
                return all
            }
            try await second.close()
            #expect(outcomes.count == keys.count * 4)
            var storedAs: [String: StoredMessageID] = [:]
            var patientOfKey: [String: StoredPatientID] = [:]
            for (key, outcome) in outcomes {
                if case .stored(let id, let patients) = outcome {
                    #expect(storedAs[key] == nil, "a key was stored twice")
                    storedAs[key] = id
                    patientOfKey[key] = patients.first
                }
            }
            #expect(storedAs.count == keys.count)
            for (key, outcome) in outcomes {
                if case .duplicate(let id) = outcome { #expect(id == storedAs[key]) }
                if case .patientConflict = outcome { Issue.record("unexpected patient conflict") }
            }
            for p in 0..<7 {
                let patients = try await first.patients(with: PatientIdentifier(system: "urn:race", value: "P\(p)"))
                #expect(patients.count == 1, "one patient per identifier")
                let expectedKeys = keys.filter { Self.patientOf($0) == "P\(p)" }
                #expect(Set(expectedKeys.compactMap { patientOfKey[$0] }) == Set(patients))
                if let patient = patients.first {
                    let snapshot = try await first.patient(patient)
                    #expect(snapshot?.observations.count == expectedKeys.count)
                }
            }
        }
    }

    @Test func aBrandNewPatientClaimedByTwoInstancesAtOnceIsOnePatient() async throws {
        try await TestPostgres.withStore { first, url in
            let second = try PostgresStore(url: url)
            for round in 0..<20 {
                async let a = first.commit([Self.unit("A-\(round)", patient: "N-\(round)")])
                async let b = second.commit([Self.unit("B-\(round)", patient: "N-\(round)")])
                let (ra, rb) = try await (a, b)
                guard case .stored(_, let pa) = ra[0], case .stored(_, let pb) = rb[0] else {
                    Issue.record("round \(round): \(ra) \(rb)"); continue
                }
                #expect(pa == pb, "round \(round): two patients for one new identifier")
                let patients = try await first.patients(with: PatientIdentifier(system: "urn:race", value: "N-\(round)"))
                #expect(patients == pa)
                #expect(try await first.patient(pa[0])?.observations.count == 2)
            }
            try await second.close()
        }
    }

    @Test func aVersionIsRecordedByOnlyOneOfTwoInstances() async throws {
        try await TestPostgres.withStore { first, url in
            let second = try PostgresStore(url: url)
            guard case .stored(_, let patients) = try await first.commit([Self.unit("U", patient: "X")])[0] else {
                Issue.record("setup unit not stored"); return
            }
            let patient = patients[0]
            for version in 1...15 {
                let draft = AssessmentDraft(kind: "p-tace", version: version, fingerprint: "f\(version)", resourceID: "r\(version)", resource: [UInt8(version)])
                async let a = first.recordAssessments([draft], patient: patient, dataVersion: 1, at: "2026-01-01T00:00:00Z")
                async let b = second.recordAssessments([draft], patient: patient, dataVersion: 1, at: "2026-01-01T00:00:00Z")
                let results = try await [a, b]
                #expect(results.filter { $0 == .recorded }.count == 1, "version \(version): \(results)")
                #expect(results.filter { $0 == .versionConflict(kind: "p-tace") }.count == 1, "version \(version): \(results)")
            }
            try await second.close()
            let current = try await first.currentAssessments(patient: patient)
            #expect(current.map(\.version) == [15])
            let all = try await first.assessments(after: 0, since: nil, limit: 100)
            #expect(all.map(\.version) == Array(1...15))
        }
    }
}
