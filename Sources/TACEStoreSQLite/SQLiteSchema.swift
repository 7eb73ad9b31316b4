import GRDB

/// The SQLite schema, as named migrations applied by GRDB's `DatabaseMigrator` (it records applied names
/// in `grdb_migrations`).
///
/// A migration is NEVER edited once shipped: stores in the field have already applied it under its name,
/// and would never see the edit. Change the schema by appending a new migration.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-23 v1 messages, patients, observations, assessments, dead letters") { db in
            try db.execute(sql: """
                CREATE TABLE message (
                    id INTEGER PRIMARY KEY,
                    key_kind TEXT NOT NULL,
                    key_value TEXT NOT NULL,
                    format TEXT NOT NULL,
                    received_from TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    raw BLOB NOT NULL
                );
                CREATE UNIQUE INDEX message_key ON message(key_kind, key_value);

                -- last_change: id of the last message that touched the patient (orders dirty patients).
                CREATE TABLE patient (
                    id INTEGER PRIMARY KEY,
                    data_version INTEGER NOT NULL,
                    assessed_version INTEGER NOT NULL,
                    last_change INTEGER NOT NULL
                );
                CREATE INDEX patient_dirty ON patient(last_change, id) WHERE data_version > assessed_version;

                -- has_system distinguishes an identifier without system from one with an empty system.
                CREATE TABLE patient_identifier (
                    has_system INTEGER NOT NULL,
                    system TEXT NOT NULL,
                    value TEXT NOT NULL,
                    patient INTEGER NOT NULL REFERENCES patient(id),
                    PRIMARY KEY (has_system, system, value)
                ) WITHOUT ROWID;
                CREATE INDEX patient_identifier_patient ON patient_identifier(patient);

                -- claim_index: the observation's patient index within its unit, returned as given.
                CREATE TABLE observation (
                    id INTEGER PRIMARY KEY,
                    message INTEGER NOT NULL REFERENCES message(id),
                    patient INTEGER NOT NULL REFERENCES patient(id),
                    claim_index INTEGER NOT NULL,
                    concept TEXT NOT NULL,
                    status TEXT NOT NULL,
                    result_key TEXT NOT NULL,
                    supersedes_earlier INTEGER NOT NULL,
                    superseded INTEGER NOT NULL,
                    payload BLOB NOT NULL
                );
                CREATE INDEX observation_patient_result ON observation(patient, result_key);
                CREATE INDEX observation_message ON observation(message);

                -- AUTOINCREMENT: a sequence is never reused, so export can resume after it.
                CREATE TABLE assessment (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    patient INTEGER NOT NULL REFERENCES patient(id),
                    kind TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    fingerprint TEXT NOT NULL,
                    resource_id TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    superseded INTEGER NOT NULL,
                    resource BLOB NOT NULL,
                    UNIQUE (patient, kind, version)
                );
                CREATE INDEX assessment_current ON assessment(patient, kind) WHERE superseded = 0;

                CREATE TABLE dead_letter (
                    id INTEGER PRIMARY KEY,
                    key_kind TEXT,
                    key_value TEXT,
                    format TEXT NOT NULL,
                    received_from TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    location TEXT,
                    raw BLOB NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    updated_at TEXT NOT NULL,
                    resolved_as INTEGER REFERENCES message(id)
                );
                -- One open letter per key: a letter seen again while open is counted on it.
                CREATE UNIQUE INDEX dead_letter_open_key ON dead_letter(key_kind, key_value)
                    WHERE state = 'open' AND key_kind IS NOT NULL;
                CREATE INDEX dead_letter_state ON dead_letter(state, id);
                """)
        }
        return migrator
    }
}
