import Foundation
import GRDB
import TACEModel
import TACEStore

/// A `ClinicalStore` in one SQLite file (GRDB `DatabasePool`, WAL mode): one process writes, many read.
///
/// Every method is one transaction; `commit` writes its whole batch in ONE write transaction, so a batch
/// costs one WAL sync however many units it holds. The file is created and migrated when the store opens.
///
/// Durability (see docs/store.md): WAL with `synchronous = FULL` by default, so the WAL is fsynced before a
/// commit returns and an acknowledged unit survives a process kill and a power loss. `.normal` syncs only
/// at checkpoints: it survives `kill -9` (the WAL is in the OS cache) but may lose the last commits on
/// power loss or an OS crash.
public final class SQLiteStore: ClinicalStore {
    public enum Durability: Sendable {
        /// `synchronous = FULL`: every commit is on disk when it returns.
        case full
        /// `synchronous = NORMAL`: survives a process crash, not a power loss.
        case normal
    }

    private let pool: DatabasePool

    /// Opens (creating if needed) and migrates the store at `path`.
    public init(path: String, durability: Durability = .full) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            // 32 MiB of page cache per connection (SQLite's default is 2 MiB): a patient's rows and the
            // indexes of the hot tables stay in memory instead of being read again with pread per commit.
            try db.execute(sql: "PRAGMA cache_size = -32768")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try SQLiteSchema.migrator.migrate(pool)
        } catch {
            throw StoreError(operation: "open SQLite store", reason: Self.reason(error))
        }
    }

    public func migrate() async throws {
        try await run("migrate") { [pool] in try SQLiteSchema.migrator.migrate(pool) }
    }

    public func close() async throws {
        try await run("close") { [pool] in try pool.close() }
    }

    public func commit(_ units: [IncomingUnit]) async throws -> [CommitOutcome] {
        if units.isEmpty { return [] }
        return try await write("commit") { db in try units.map { try SQLiteCommit.commit($0, in: db) } }
    }

    public func patient(_ id: StoredPatientID) async throws -> PatientSnapshot? {
        try await read("read patient") { db in
            guard let version = try Int64.fetchOne(db.cachedStatement(sql: "SELECT data_version FROM patient WHERE id = ?"), arguments: [id.rawValue]) else {
                return nil
            }
            let identifiers = try Row.fetchAll(db.cachedStatement(sql: "SELECT has_system, system, value FROM patient_identifier WHERE patient = ?"),
                                               arguments: [id.rawValue]).map { row in
                PatientIdentifier(system: (row[0] as Bool) ? (row[1] as String) : nil, value: row[2])
            }
            let observations = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT claim_index, concept, status, result_key, supersedes_earlier, payload FROM observation
                WHERE patient = ? AND superseded = 0 ORDER BY id
                """), arguments: [id.rawValue]).map(Self.observation)
            return PatientSnapshot(id: id, identifiers: identifiers.sorted(), dataVersion: version, observations: observations)
        }
    }

    public func patients(with identifier: PatientIdentifier) async throws -> [StoredPatientID] {
        try await read("find patients") { db in
            try Int64.fetchAll(db, sql: "SELECT patient FROM patient_identifier WHERE has_system = ? AND system = ? AND value = ?",
                               arguments: [identifier.system != nil, identifier.system ?? "", identifier.value])
                .map(StoredPatientID.init(rawValue:))
        }
    }

    public func messageRaw(_ id: StoredMessageID) async throws -> [UInt8]? {
        try await read("read message") { db in
            try Data.fetchOne(db, sql: "SELECT raw FROM message WHERE id = ?", arguments: [id.rawValue]).map { [UInt8]($0) }
        }
    }

    public func dirtyPatients(limit: Int) async throws -> [StoredPatientID] {
        try await read("list dirty patients") { db in
            try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM patient WHERE data_version > assessed_version ORDER BY last_change, id LIMIT ?"),
                               arguments: [limit]).map(StoredPatientID.init(rawValue:))
        }
    }

    public func recordAssessments(_ drafts: [AssessmentDraft], patient: StoredPatientID, dataVersion: Int64, at: String) async throws -> AssessmentWriteOutcome {
        try await write("record assessments") { db in
            guard let assessed = try Int64.fetchOne(db.cachedStatement(sql: "SELECT assessed_version FROM patient WHERE id = ?"), arguments: [patient.rawValue]) else {
                throw StoreError(operation: "record assessments", reason: "\(patient) does not exist")
            }
            if assessed > dataVersion { return .staleData }
            for d in drafts {
                let current = try Int.fetchOne(db.cachedStatement(sql: "SELECT version FROM assessment WHERE patient = ? AND kind = ? AND superseded = 0"),
                                               arguments: [patient.rawValue, d.kind]) ?? 0
                if current != d.version - 1 { return .versionConflict(kind: d.kind) }
            }
            for d in drafts {
                try db.cachedStatement(sql: "UPDATE assessment SET superseded = 1 WHERE patient = ? AND kind = ? AND superseded = 0")
                    .execute(arguments: [patient.rawValue, d.kind])
                try db.cachedStatement(sql: """
                    INSERT INTO assessment (patient, kind, version, fingerprint, resource_id, recorded_at, superseded, resource)
                    VALUES (?, ?, ?, ?, ?, ?, 0, ?)
                    """).execute(arguments: [patient.rawValue, d.kind, d.version, d.fingerprint, d.resourceID, at, Data(d.resource)])
            }
            try db.cachedStatement(sql: "UPDATE patient SET assessed_version = max(assessed_version, ?) WHERE id = ?")
                .execute(arguments: [dataVersion, patient.rawValue])
            return .recorded
        }
    }

    public func currentAssessments(patient: StoredPatientID) async throws -> [StoredAssessment] {
        try await read("read assessments") { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.assessmentColumns) FROM assessment WHERE patient = ? AND superseded = 0 ORDER BY kind"),
                             arguments: [patient.rawValue]).map(Self.assessment)
        }
    }

    public func assessments(after: Int64, since: String?, limit: Int) async throws -> [StoredAssessment] {
        try await read("list assessments") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.assessmentColumns) FROM assessment
                WHERE sequence > ? AND (? IS NULL OR recorded_at >= ?) ORDER BY sequence LIMIT ?
                """, arguments: [after, since, since, limit]).map(Self.assessment)
        }
    }

    public func addDeadLetter(_ letter: NewDeadLetter) async throws -> DeadLetterID {
        try await write("add dead letter") { db in
            // The partial unique index makes an open letter with the same key a conflict: count it there.
            let id = try Int64.fetchOne(db, sql: """
                INSERT INTO dead_letter (key_kind, key_value, format, received_from, received_at, reason, location, raw,
                                         state, attempts, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', 1, ?)
                ON CONFLICT (key_kind, key_value) WHERE state = 'open' AND key_kind IS NOT NULL DO UPDATE SET
                    format = excluded.format, received_from = excluded.received_from, received_at = excluded.received_at,
                    reason = excluded.reason, location = excluded.location, raw = excluded.raw,
                    attempts = attempts + 1, updated_at = excluded.updated_at
                RETURNING id
                """, arguments: [letter.key?.kind.rawValue, letter.key?.value, letter.format, letter.receivedFrom, letter.receivedAt,
                                 letter.reason, letter.location, Data(letter.raw), letter.receivedAt])
            guard let id else { throw StoreError(operation: "add dead letter", reason: "no id returned") }
            return DeadLetterID(rawValue: id)
        }
    }

    public func deadLetters(state: DeadLetter.State?) async throws -> [DeadLetter] {
        try await read("list dead letters") { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.letterColumns) FROM dead_letter WHERE ? IS NULL OR state = ? ORDER BY id",
                             arguments: [state?.rawValue, state?.rawValue]).map(Self.deadLetter)
        }
    }

    public func deadLetter(_ id: DeadLetterID) async throws -> DeadLetter? {
        try await read("read dead letter") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.letterColumns) FROM dead_letter WHERE id = ?", arguments: [id.rawValue]).map(Self.deadLetter)
        }
    }

    public func resolveDeadLetter(_ id: DeadLetterID, as message: StoredMessageID, at: String) async throws {
        try await write("resolve dead letter") { db in
            try db.execute(sql: "UPDATE dead_letter SET state = 'resolved', resolved_as = ?, updated_at = ? WHERE id = ?",
                           arguments: [message.rawValue, at, id.rawValue])
            if db.changesCount == 0 { throw StoreError(operation: "resolve dead letter", reason: "\(id) does not exist") }
        }
    }

    public func recordRetryFailure(_ id: DeadLetterID, reason: String, location: String?, at: String) async throws {
        try await write("record retry failure") { db in
            try db.execute(sql: "UPDATE dead_letter SET reason = ?, location = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
                           arguments: [reason, location, at, id.rawValue])
            if db.changesCount == 0 { throw StoreError(operation: "record retry failure", reason: "\(id) does not exist") }
        }
    }

    // MARK: - Transactions and errors

    /// One IMMEDIATE write transaction (the write lock is taken at BEGIN, so no upgrade can fail midway).
    private func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await run(operation) { [pool] in
            try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StoreError(operation: operation, reason: "transaction produced no result") }
                return result
            }
        }
    }

    private func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await run(operation) { [pool] in try pool.read(body) }
    }

    /// Runs blocking GRDB work off the cooperative pool and maps errors to `StoreError`.
    private func run<T: Sendable>(_ operation: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try body())
                } catch let error as StoreError {
                    continuation.resume(throwing: error)
                } catch {
                    continuation.resume(throwing: StoreError(operation: operation, reason: Self.reason(error)))
                }
            }
        }
    }

    /// SQLite's result code and message; GRDB's description would add the SQL arguments (patient data).
    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "no message")"
        }
        return String(describing: type(of: error))
    }

    // MARK: - Rows

    private static let assessmentColumns = "sequence, patient, kind, version, fingerprint, resource_id, recorded_at, superseded, resource"
    private static let letterColumns = """
        id, key_kind, key_value, format, received_from, received_at, reason, location, raw, state, attempts, updated_at, resolved_as
        """

    private static func observation(_ row: Row) throws -> ObservationRecord {
        let conceptName: String = row[1]
        let statusName: String = row[2]
        guard let concept = Concept(rawValue: conceptName) else {
            throw StoreError(operation: "read observation", reason: "unknown concept '\(conceptName)' in the store")
        }
        guard let status = ObservationStatus(rawValue: statusName) else {
            throw StoreError(operation: "read observation", reason: "unknown status '\(statusName)' in the store")
        }
        return ObservationRecord(patient: row[0], concept: concept, status: status, resultKey: row[3], supersedesEarlier: row[4],
                                 payload: [UInt8](row[5] as Data))
    }

    private static func assessment(_ row: Row) -> StoredAssessment {
        StoredAssessment(sequence: row[0], patient: StoredPatientID(rawValue: row[1]), kind: row[2], version: row[3], fingerprint: row[4],
                         resourceID: row[5], recordedAt: row[6], isSuperseded: row[7], resource: [UInt8](row[8] as Data))
    }

    private static func deadLetter(_ row: Row) throws -> DeadLetter {
        var key: IngestKey?
        if let kindName = row[1] as String? {
            guard let kind = IngestKey.Kind(rawValue: kindName) else {
                throw StoreError(operation: "read dead letter", reason: "unknown key kind '\(kindName)' in the store")
            }
            key = IngestKey(kind: kind, value: row[2])
        }
        let stateName: String = row[9]
        guard let state = DeadLetter.State(rawValue: stateName) else {
            throw StoreError(operation: "read dead letter", reason: "unknown state '\(stateName)' in the store")
        }
        let letter = NewDeadLetter(key: key, format: row[3], receivedFrom: row[4], receivedAt: row[5], reason: row[6], location: row[7],
                                   raw: [UInt8](row[8] as Data))
        return DeadLetter(id: DeadLetterID(rawValue: row[0]), letter: letter, state: state, attempts: row[10], updatedAt: row[11],
                          resolvedAs: (row[12] as Int64?).map(StoredMessageID.init(rawValue:)))
    }
}
