/// The PostgreSQL schema as named migrations, applied in order and recorded in `tacebridge_migration`.
///
/// A migration is NEVER edited once shipped: databases in the field have already applied it under its
/// name, and would never see the edit. Change the schema by appending a new migration.
enum PostgresSchema {
    static let migrations: [(name: String, sql: String)] = [
        ("2026-11-23 v1 messages, patients, observations, assessments, dead letters", """
            CREATE TABLE message (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                key_kind text NOT NULL,
                key_value text NOT NULL,
                format text NOT NULL,
                received_from text NOT NULL,
                received_at text NOT NULL,
                raw bytea NOT NULL,
                UNIQUE (key_kind, key_value)
            );
            -- last_change: id of the last message that touched the patient (orders dirty patients).
            CREATE TABLE patient (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                data_version bigint NOT NULL,
                assessed_version bigint NOT NULL,
                last_change bigint NOT NULL
            );
            CREATE INDEX patient_dirty ON patient (last_change, id) WHERE data_version > assessed_version;
            -- has_system distinguishes an identifier without system from one with an empty system.
            CREATE TABLE patient_identifier (
                has_system boolean NOT NULL,
                system text NOT NULL,
                value text NOT NULL,
                patient bigint NOT NULL REFERENCES patient (id),
                PRIMARY KEY (has_system, system, value)
            );
            CREATE INDEX patient_identifier_patient ON patient_identifier (patient);
            -- claim_index: the observation's patient index within its unit, returned as given.
            CREATE TABLE observation (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                message bigint NOT NULL REFERENCES message (id),
                patient bigint NOT NULL REFERENCES patient (id),
                claim_index bigint NOT NULL,
                concept text NOT NULL,
                status text NOT NULL,
                result_key text NOT NULL,
                supersedes_earlier boolean NOT NULL,
                superseded boolean NOT NULL,
                payload bytea NOT NULL
            );
            CREATE INDEX observation_patient_result ON observation (patient, result_key);
            CREATE INDEX observation_message ON observation (message);
            -- sequence is assigned under a transaction-level advisory lock, so it follows commit order.
            CREATE TABLE assessment (
                sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                patient bigint NOT NULL REFERENCES patient (id),
                kind text NOT NULL,
                version bigint NOT NULL,
                fingerprint text NOT NULL,
                resource_id text NOT NULL,
                recorded_at text NOT NULL,
                superseded boolean NOT NULL,
                resource bytea NOT NULL,
                UNIQUE (patient, kind, version)
            );
            CREATE INDEX assessment_current ON assessment (patient, kind) WHERE NOT superseded;
            CREATE TABLE dead_letter (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                key_kind text,
                key_value text,
                format text NOT NULL,
                received_from text NOT NULL,
                received_at text NOT NULL,
                reason text NOT NULL,
                location text,
                raw bytea NOT NULL,
                state text NOT NULL,
                attempts bigint NOT NULL,
                updated_at text NOT NULL,
                resolved_as bigint REFERENCES message (id)
            );
            -- One open letter per key: a letter seen again while open is counted on it.
            CREATE UNIQUE INDEX dead_letter_open_key ON dead_letter (key_kind, key_value)
                WHERE state = 'open' AND key_kind IS NOT NULL;
            CREATE INDEX dead_letter_state ON dead_letter (state, id);
            """),
    ]

    /// Advisory lock keys (arbitrary constants, unique to this application).
    static let migrationLock: Int64 = 0x7AC3_B1D6_0000_0001
    static let assessmentSequenceLock: Int64 = 0x7AC3_B1D6_0000_0002
}
