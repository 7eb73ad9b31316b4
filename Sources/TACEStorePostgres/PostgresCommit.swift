import PostgresNIO
import TACEModel
import TACEStore

/// One unit of a `commit` batch inside the batch's transaction (the `ClinicalStore.commit` clauses, in
/// order). Everything is read before anything is written, so a duplicate or a conflict writes nothing.
///
/// Races with other processes end in a unique violation (same key, same new identifier) that makes the
/// transaction retry and then see the winner's rows; patients already stored are locked (`FOR UPDATE`)
/// before their observations are read, so corrections and originals of one patient never interleave.
enum PostgresCommit {
    static func commit(_ unit: IncomingUnit, on c: PostgresConnection, _ log: Logger) async throws -> CommitOutcome {
        if let existing = try await messageID(unit.key, on: c, log) { return .duplicate(of: existing) }
        var known: [PatientIdentifier: StoredPatientID] = [:]
        for claim in unit.patients {
            for identifier in claim.identifiers where known[identifier] == nil {
                let rows = try await c.rows("""
                    SELECT patient FROM patient_identifier WHERE has_system = \(identifier.system != nil)
                    AND system = \(identifier.system ?? "") AND value = \(identifier.value)
                    """, log)
                if let row = rows.first { known[identifier] = StoredPatientID(rawValue: try row[0].decode(Int64.self)) }
            }
        }
        let resolutions: [ClaimResolution]
        switch ClaimResolution.resolve(unit.patients, stored: known) {
        case .conflict(let claim): return .patientConflict(claim: claim)
        case .resolved(let resolved): resolutions = resolved
        }
        if let bad = unit.observations.first(where: { !unit.patients.indices.contains($0.patient) }) {
            throw StoreError(operation: "commit", reason: "an observation names claim \(bad.patient) of \(unit.patients.count)")
        }
        let existing = Set(resolutions.compactMap { r -> Int64? in if case .existing(let id) = r { return id.rawValue } else { return nil } })
        if !existing.isEmpty {
            try await c.run("SELECT id FROM patient WHERE id = ANY(\(existing.sorted())) ORDER BY id FOR UPDATE", log)
        }

        let message = try await c.rows("""
            INSERT INTO message (key_kind, key_value, format, received_from, received_at, raw)
            VALUES (\(unit.key.kind.rawValue), \(unit.key.value), \(unit.format.rawValue), \(unit.receivedFrom), \(unit.receivedAt),
                    \(ByteBuffer(bytes: unit.raw)))
            RETURNING id
            """, log)[0][0].decode(Int64.self)

        var patients: [StoredPatientID] = []
        var inserted = Set<PatientIdentifier>()
        for (index, claim) in unit.patients.enumerated() {
            let patient: StoredPatientID
            switch resolutions[index] {
            case .existing(let id): patient = id
            case .new(let first) where first < index: patient = patients[first]
            case .new:
                let id = try await c.rows("INSERT INTO patient (data_version, assessed_version, last_change) VALUES (0, 0, 0) RETURNING id", log)[0][0]
                    .decode(Int64.self)
                patient = StoredPatientID(rawValue: id)
            }
            for identifier in claim.identifiers where known[identifier] == nil && !inserted.contains(identifier) {
                try await c.run("""
                    INSERT INTO patient_identifier (has_system, system, value, patient)
                    VALUES (\(identifier.system != nil), \(identifier.system ?? ""), \(identifier.value), \(patient.rawValue))
                    """, log)
                inserted.insert(identifier)
            }
            patients.append(patient)
        }

        for o in unit.observations {
            let patient = patients[o.patient].rawValue
            var superseded = false
            if o.supersedesEarlier {
                try await c.run("""
                    UPDATE observation SET superseded = true WHERE patient = \(patient) AND result_key = \(o.resultKey) AND NOT superseded
                    """, log)
            } else {
                superseded = try await c.rows("""
                    SELECT EXISTS (SELECT 1 FROM observation WHERE patient = \(patient) AND result_key = \(o.resultKey) AND supersedes_earlier)
                    """, log)[0][0].decode(Bool.self)
            }
            try await c.run("""
                INSERT INTO observation (message, patient, claim_index, concept, status, result_key, supersedes_earlier, superseded, payload)
                VALUES (\(message), \(patient), \(Int64(o.patient)), \(o.concept.rawValue), \(o.status.rawValue), \(o.resultKey),
                        \(o.supersedesEarlier), \(superseded), \(ByteBuffer(bytes: o.payload)))
                """, log)
        }

        var touched = Set(patients.map(\.rawValue))
        for replaced in unit.replacesUnits {
            guard let old = try await messageID(replaced, on: c, log) else { continue }
            let rows = try await c.rows("""
                UPDATE observation SET superseded = true WHERE message = \(old.rawValue) RETURNING patient
                """, log)
            for row in rows { touched.insert(try row[0].decode(Int64.self)) }
        }
        for patient in touched.sorted() {
            try await c.run("UPDATE patient SET data_version = data_version + 1, last_change = \(message) WHERE id = \(patient)", log)
        }
        return .stored(StoredMessageID(rawValue: message), patients: patients)
    }

    static func messageID(_ key: IngestKey, on c: PostgresConnection, _ log: Logger) async throws -> StoredMessageID? {
        try await c.rows("SELECT id FROM message WHERE key_kind = \(key.kind.rawValue) AND key_value = \(key.value)", log)
            .first.map { StoredMessageID(rawValue: try $0[0].decode(Int64.self)) }
    }
}
