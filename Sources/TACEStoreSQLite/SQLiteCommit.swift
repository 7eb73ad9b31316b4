import Foundation
import GRDB
import TACEModel
import TACEStore

/// One unit of a `commit` batch inside the batch's write transaction (the `ClinicalStore.commit` clauses,
/// in order). Everything is read before anything is written, so a duplicate or a conflict writes nothing.
enum SQLiteCommit {
    static func commit(_ unit: IncomingUnit, in db: Database) throws -> CommitOutcome {
        if let existing = try messageID(unit.key, in: db) { return .duplicate(of: existing) }
        var known: [PatientIdentifier: StoredPatientID] = [:]
        for claim in unit.patients {
            for identifier in claim.identifiers {
                let id = try Int64.fetchOne(db.cachedStatement(sql: """
                    SELECT patient FROM patient_identifier WHERE has_system = ? AND system = ? AND value = ?
                    """), arguments: arguments(identifier))
                if let id { known[identifier] = StoredPatientID(rawValue: id) }
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

        try db.cachedStatement(sql: "INSERT INTO message (key_kind, key_value, format, received_from, received_at, raw) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [unit.key.kind.rawValue, unit.key.value, unit.format.rawValue, unit.receivedFrom, unit.receivedAt, Data(unit.raw)])
        let message = db.lastInsertedRowID

        var patients: [StoredPatientID] = []
        for (index, claim) in unit.patients.enumerated() {
            let patient: StoredPatientID
            switch resolutions[index] {
            case .existing(let id): patient = id
            case .new(let first) where first < index: patient = patients[first]
            case .new:
                try db.cachedStatement(sql: "INSERT INTO patient (data_version, assessed_version, last_change) VALUES (0, 0, 0)").execute()
                patient = StoredPatientID(rawValue: db.lastInsertedRowID)
            }
            for identifier in claim.identifiers where known[identifier] == nil {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO patient_identifier (has_system, system, value, patient) VALUES (?, ?, ?, ?)")
                    .execute(arguments: arguments(identifier) + [patient.rawValue])
            }
            patients.append(patient)
        }

        for o in unit.observations {
            let patient = patients[o.patient].rawValue
            var superseded = false
            if o.supersedesEarlier {
                try db.cachedStatement(sql: "UPDATE observation SET superseded = 1 WHERE patient = ? AND result_key = ? AND superseded = 0")
                    .execute(arguments: [patient, o.resultKey])
            } else {
                superseded = try Bool.fetchOne(db.cachedStatement(sql: """
                    SELECT EXISTS (SELECT 1 FROM observation WHERE patient = ? AND result_key = ? AND supersedes_earlier = 1)
                    """), arguments: [patient, o.resultKey]) ?? false
            }
            try db.cachedStatement(sql: """
                INSERT INTO observation (message, patient, claim_index, concept, status, result_key, supersedes_earlier, superseded, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [message, patient, o.patient, o.concept.rawValue, o.status.rawValue, o.resultKey,
                                         o.supersedesEarlier, superseded, Data(o.payload)])
        }

        var touched = Set(patients.map(\.rawValue))
        for replaced in unit.replacesUnits {
            guard let old = try messageID(replaced, in: db) else { continue }
            touched.formUnion(try Int64.fetchAll(db, sql: "SELECT DISTINCT patient FROM observation WHERE message = ?", arguments: [old.rawValue]))
            try db.execute(sql: "UPDATE observation SET superseded = 1 WHERE message = ?", arguments: [old.rawValue])
        }
        for patient in touched.sorted() {
            try db.cachedStatement(sql: "UPDATE patient SET data_version = data_version + 1, last_change = ? WHERE id = ?")
                .execute(arguments: [message, patient])
        }
        return .stored(StoredMessageID(rawValue: message), patients: patients)
    }

    private static func messageID(_ key: IngestKey, in db: Database) throws -> StoredMessageID? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM message WHERE key_kind = ? AND key_value = ?"),
                           arguments: [key.kind.rawValue, key.value]).map(StoredMessageID.init(rawValue:))
    }

    private static func arguments(_ identifier: PatientIdentifier) -> StatementArguments {
        [identifier.system != nil, identifier.system ?? "", identifier.value]
    }
}
