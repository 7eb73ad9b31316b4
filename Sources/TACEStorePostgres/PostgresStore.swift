import PostgresNIO
import TACEModel
import TACEStore

/// A `ClinicalStore` in a PostgreSQL database, shared safely by several processes.
///
/// Each method is one READ COMMITTED transaction on a pooled connection; `commit` writes its whole batch
/// in one transaction. Guarantees across processes come from unique constraints (message key, patient
/// identifier, assessment version) plus retrying the transaction that lost (see `PostgresTransactions`),
/// row locks on stored patients (`FOR UPDATE`) and an advisory lock that hands out assessment sequences in
/// commit order. Details in docs/store.md.
public final class PostgresStore: ClinicalStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let tx: PostgresTransactions
    private let logger: Logger
    /// The URL without password, for error texts.
    public let location: String

    /// Connects lazily to `url` (`postgres://user:password@host:port/database?sslmode=…`); call `migrate()`
    /// before use.
    public init(url: String) throws {
        let parsed = try PostgresLocation(url: url)
        var logger = Logger(label: "tacebridge.store.postgres")
        logger.logLevel = .critical
        let client = PostgresClient(configuration: parsed.configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.location = parsed.redacted
        self.runner = Task { await client.run() }
        self.tx = PostgresTransactions(client: client, logger: logger, location: parsed.redacted)
    }

    public func migrate() async throws {
        let log = logger
        try await tx.run("migrate") { c in
            // One migrating process at a time; the others wait and then find nothing to do.
            try await c.run("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))", log)
            try await c.run("""
                CREATE TABLE IF NOT EXISTS tacebridge_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, log)
            let applied = Set(try await c.rows("SELECT name FROM tacebridge_migration", log).map { try $0[0].decode(String.self) })
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                // The extended protocol takes one statement at a time.
                for statement in migration.sql.components(separatedBy: ";\n") where !statement.allSatisfy(\.isWhitespace) {
                    try await c.run(PostgresQuery(unsafeSQL: statement), log)
                }
                try await c.run("INSERT INTO tacebridge_migration (name) VALUES (\(migration.name))", log)
            }
        }
    }

    public func close() async throws {
        runner.cancel()
        await runner.value
    }

    public func commit(_ units: [IncomingUnit]) async throws -> [CommitOutcome] {
        if units.isEmpty { return [] }
        let log = logger
        return try await tx.run("commit") { c in
            var outcomes: [CommitOutcome] = []
            for unit in units { outcomes.append(try await PostgresCommit.commit(unit, on: c, log)) }
            return outcomes
        }
    }

    public func patient(_ id: StoredPatientID) async throws -> PatientSnapshot? {
        let log = logger
        return try await tx.run("read patient") { c in
            guard let version = try await c.rows("SELECT data_version FROM patient WHERE id = \(id.rawValue)", log).first else { return nil }
            let identifiers = try await c.rows("SELECT has_system, system, value FROM patient_identifier WHERE patient = \(id.rawValue)", log)
                .map { row in
                    PatientIdentifier(system: try row[0].decode(Bool.self) ? try row[1].decode(String.self) : nil, value: try row[2].decode(String.self))
                }
            let observations = try await c.rows("""
                SELECT claim_index, concept, status, result_key, supersedes_earlier, payload FROM observation
                WHERE patient = \(id.rawValue) AND NOT superseded ORDER BY id
                """, log).map(Self.observation)
            return PatientSnapshot(id: id, identifiers: identifiers.sorted(), dataVersion: try version[0].decode(Int64.self), observations: observations)
        }
    }

    public func patients(with identifier: PatientIdentifier) async throws -> [StoredPatientID] {
        let log = logger
        return try await tx.run("find patients") { c in
            try await c.rows("""
                SELECT patient FROM patient_identifier WHERE has_system = \(identifier.system != nil)
                AND system = \(identifier.system ?? "") AND value = \(identifier.value)
                """, log).map { StoredPatientID(rawValue: try $0[0].decode(Int64.self)) }
        }
    }

    public func messageRaw(_ id: StoredMessageID) async throws -> [UInt8]? {
        let log = logger
        return try await tx.run("read message") { c in
            try await c.rows("SELECT raw FROM message WHERE id = \(id.rawValue)", log).first.map { try $0[0].bytes() }
        }
    }

    public func dirtyPatients(limit: Int) async throws -> [StoredPatientID] {
        let log = logger
        return try await tx.run("list dirty patients") { c in
            try await c.rows("""
                SELECT id FROM patient WHERE data_version > assessed_version ORDER BY last_change, id LIMIT \(Int64(limit))
                """, log).map { StoredPatientID(rawValue: try $0[0].decode(Int64.self)) }
        }
    }

    public func recordAssessments(_ drafts: [AssessmentDraft], patient: StoredPatientID, dataVersion: Int64, at: String) async throws -> AssessmentWriteOutcome {
        let log = logger
        return try await tx.run("record assessments") { c in
            // The patient's row lock serializes recorders of one patient: the version check below then
            // reads what the previous recorder committed.
            guard let row = try await c.rows("SELECT assessed_version FROM patient WHERE id = \(patient.rawValue) FOR UPDATE", log).first else {
                throw StoreError(operation: "record assessments", reason: "\(patient) does not exist")
            }
            if try row[0].decode(Int64.self) > dataVersion { return .staleData }
            for d in drafts {
                let current = try await c.rows("""
                    SELECT version FROM assessment WHERE patient = \(patient.rawValue) AND kind = \(d.kind) AND NOT superseded
                    """, log).first.map { try $0[0].decode(Int64.self) } ?? 0
                if current != Int64(d.version - 1) { return .versionConflict(kind: d.kind) }
            }
            if !drafts.isEmpty {
                // Held to commit: sequences are handed out in commit order, so export never skips a row.
                try await c.run("SELECT pg_advisory_xact_lock(\(PostgresSchema.assessmentSequenceLock))", log)
            }
            for d in drafts {
                try await c.run("""
                    UPDATE assessment SET superseded = true WHERE patient = \(patient.rawValue) AND kind = \(d.kind) AND NOT superseded
                    """, log)
                try await c.run("""
                    INSERT INTO assessment (patient, kind, version, fingerprint, resource_id, recorded_at, superseded, resource)
                    VALUES (\(patient.rawValue), \(d.kind), \(Int64(d.version)), \(d.fingerprint), \(d.resourceID), \(at), false,
                            \(ByteBuffer(bytes: d.resource)))
                    """, log)
            }
            try await c.run("""
                UPDATE patient SET assessed_version = GREATEST(assessed_version, \(dataVersion)) WHERE id = \(patient.rawValue)
                """, log)
            return .recorded
        }
    }

    public func currentAssessments(patient: StoredPatientID) async throws -> [StoredAssessment] {
        let log = logger
        return try await tx.run("read assessments") { c in
            try await c.rows("""
                SELECT \(unescaped: Self.assessmentColumns) FROM assessment WHERE patient = \(patient.rawValue) AND NOT superseded ORDER BY kind
                """, log).map(Self.assessment)
        }
    }

    public func assessments(after: Int64, since: String?, limit: Int) async throws -> [StoredAssessment] {
        let log = logger
        return try await tx.run("list assessments") { c in
            try await c.rows("""
                SELECT \(unescaped: Self.assessmentColumns) FROM assessment
                WHERE sequence > \(after) AND (\(since)::text IS NULL OR recorded_at >= \(since)) ORDER BY sequence LIMIT \(Int64(limit))
                """, log).map(Self.assessment)
        }
    }

    public func addDeadLetter(_ letter: NewDeadLetter) async throws -> DeadLetterID {
        let log = logger
        return try await tx.run("add dead letter") { c in
            // The partial unique index makes an open letter with the same key a conflict: count it there.
            let id = try await c.rows("""
                INSERT INTO dead_letter (key_kind, key_value, format, received_from, received_at, reason, location, raw,
                                         state, attempts, updated_at)
                VALUES (\(letter.key?.kind.rawValue), \(letter.key?.value), \(letter.format), \(letter.receivedFrom), \(letter.receivedAt),
                        \(letter.reason), \(letter.location), \(ByteBuffer(bytes: letter.raw)), 'open', 1, \(letter.receivedAt))
                ON CONFLICT (key_kind, key_value) WHERE state = 'open' AND key_kind IS NOT NULL DO UPDATE SET
                    format = excluded.format, received_from = excluded.received_from, received_at = excluded.received_at,
                    reason = excluded.reason, location = excluded.location, raw = excluded.raw,
                    attempts = dead_letter.attempts + 1, updated_at = excluded.updated_at
                RETURNING id
                """, log)[0][0].decode(Int64.self)
            return DeadLetterID(rawValue: id)
        }
    }

    public func deadLetters(state: DeadLetter.State?) async throws -> [DeadLetter] {
        let log = logger
        return try await tx.run("list dead letters") { c in
            try await c.rows("""
                SELECT \(unescaped: Self.letterColumns) FROM dead_letter WHERE \(state?.rawValue)::text IS NULL OR state = \(state?.rawValue) ORDER BY id
                """, log).map(Self.deadLetter)
        }
    }

    public func deadLetter(_ id: DeadLetterID) async throws -> DeadLetter? {
        let log = logger
        return try await tx.run("read dead letter") { c in
            try await c.rows("SELECT \(unescaped: Self.letterColumns) FROM dead_letter WHERE id = \(id.rawValue)", log).first.map(Self.deadLetter)
        }
    }

    public func resolveDeadLetter(_ id: DeadLetterID, as message: StoredMessageID, at: String) async throws {
        let log = logger
        try await tx.run("resolve dead letter") { c in
            let rows = try await c.rows("""
                UPDATE dead_letter SET state = 'resolved', resolved_as = \(message.rawValue), updated_at = \(at) WHERE id = \(id.rawValue) RETURNING id
                """, log)
            if rows.isEmpty { throw StoreError(operation: "resolve dead letter", reason: "\(id) does not exist") }
        }
    }

    public func recordRetryFailure(_ id: DeadLetterID, reason: String, location: String?, at: String) async throws {
        let log = logger
        try await tx.run("record retry failure") { c in
            let rows = try await c.rows("""
                UPDATE dead_letter SET reason = \(reason), location = \(location), attempts = attempts + 1, updated_at = \(at)
                WHERE id = \(id.rawValue) RETURNING id
                """, log)
            if rows.isEmpty { throw StoreError(operation: "record retry failure", reason: "\(id) does not exist") }
        }
    }

    /// Runs one statement outside any transaction (tests create and drop databases with it).
    func executeOutsideTransaction(_ sql: String) async throws {
        do {
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            throw StoreError(operation: "execute", reason: "\(PostgresTransactions.reason(error)) (\(location))")
        }
    }

    // MARK: - Rows

    private static let assessmentColumns = "sequence, patient, kind, version, fingerprint, resource_id, recorded_at, superseded, resource"
    private static let letterColumns = """
        id, key_kind, key_value, format, received_from, received_at, reason, location, raw, state, attempts, updated_at, resolved_as
        """

    private static func observation(_ row: PostgresRandomAccessRow) throws -> ObservationRecord {
        let conceptName = try row[1].decode(String.self)
        let statusName = try row[2].decode(String.self)
        guard let concept = Concept(rawValue: conceptName) else {
            throw StoreError(operation: "read observation", reason: "unknown concept '\(conceptName)' in the store")
        }
        guard let status = ObservationStatus(rawValue: statusName) else {
            throw StoreError(operation: "read observation", reason: "unknown status '\(statusName)' in the store")
        }
        return ObservationRecord(patient: Int(try row[0].decode(Int64.self)), concept: concept, status: status, resultKey: try row[3].decode(String.self),
                                 supersedesEarlier: try row[4].decode(Bool.self), payload: try row[5].bytes())
    }

    private static func assessment(_ row: PostgresRandomAccessRow) throws -> StoredAssessment {
        StoredAssessment(sequence: try row[0].decode(Int64.self), patient: StoredPatientID(rawValue: try row[1].decode(Int64.self)),
                         kind: try row[2].decode(String.self), version: Int(try row[3].decode(Int64.self)), fingerprint: try row[4].decode(String.self),
                         resourceID: try row[5].decode(String.self), recordedAt: try row[6].decode(String.self),
                         isSuperseded: try row[7].decode(Bool.self), resource: try row[8].bytes())
    }

    private static func deadLetter(_ row: PostgresRandomAccessRow) throws -> DeadLetter {
        var key: IngestKey?
        if let kindName = try row[1].decode(String?.self) {
            guard let kind = IngestKey.Kind(rawValue: kindName) else {
                throw StoreError(operation: "read dead letter", reason: "unknown key kind '\(kindName)' in the store")
            }
            key = IngestKey(kind: kind, value: try row[2].decode(String.self))
        }
        let stateName = try row[9].decode(String.self)
        guard let state = DeadLetter.State(rawValue: stateName) else {
            throw StoreError(operation: "read dead letter", reason: "unknown state '\(stateName)' in the store")
        }
        let letter = NewDeadLetter(key: key, format: try row[3].decode(String.self), receivedFrom: try row[4].decode(String.self),
                                   receivedAt: try row[5].decode(String.self), reason: try row[6].decode(String.self),
                                   location: try row[7].decode(String?.self), raw: try row[8].bytes())
        return DeadLetter(id: DeadLetterID(rawValue: try row[0].decode(Int64.self)), letter: letter, state: state,
                          attempts: Int(try row[10].decode(Int64.self)), updatedAt: try row[11].decode(String.self),
                          resolvedAs: try row[12].decode(Int64?.self).map(StoredMessageID.init(rawValue:)))
    }
}
