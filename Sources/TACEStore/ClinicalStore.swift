import TACEModel

/// A patient as the store knows it: every identifier ever claimed for it, and its current observations.
public struct PatientSnapshot: Sendable, Hashable {
    public var id: StoredPatientID
    /// Sorted.
    public var identifiers: [PatientIdentifier]
    /// Increases with every committed unit that touched the patient.
    public var dataVersion: Int64
    /// Observations not superseded, in commit order (within a unit, in the unit's order).
    public var observations: [ObservationRecord]

    public init(id: StoredPatientID, identifiers: [PatientIdentifier], dataVersion: Int64, observations: [ObservationRecord]) {
        self.id = id
        self.identifiers = identifiers
        self.dataVersion = dataVersion
        self.observations = observations
    }
}

/// Errors of a store backend. Texts name the operation and the backend's reason, never patient data.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var reason: String
    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }
    public var description: String { "store: \(operation): \(reason)" }
}

/// The longitudinal record: committed input units, patients, observations, assessments and dead letters.
///
/// One interface, several backends (SQLite through GRDB, PostgreSQL through postgres-nio, in memory for
/// tests); every backend passes the same conformance suite. Several processes may share one PostgreSQL
/// store: every method is one transaction, and the guarantees below hold across processes.
public protocol ClinicalStore: Sendable {
    /// Creates the schema or applies pending migrations (migrations are never edited once shipped).
    func migrate() async throws

    /// Releases connections and files. The store must not be used afterwards.
    func close() async throws

    /// Commits each unit atomically, all in as few transactions as the backend likes (a batch is how a
    /// listener commits many messages per fsync). When this returns, every `.stored` unit is durable.
    ///
    /// Per unit, in order:
    /// - its key already stored (before, or earlier in this batch) → `.duplicate`, nothing written;
    /// - each claim resolves to the single stored patient sharing any of its identifiers, or a new patient;
    ///   new identifiers of the claim are added to that patient; a claim matching several patients →
    ///   `.patientConflict`, nothing of the unit written;
    /// - observations are stored; one with `supersedesEarlier` marks every earlier observation of the same
    ///   patient and `resultKey` superseded; an observation arriving after a superseding one with the same
    ///   patient and `resultKey` (out-of-order delivery) is stored already superseded;
    /// - observations of units named in `replacesUnits` are superseded;
    /// - each touched patient's `dataVersion` increases (the patient becomes dirty).
    func commit(_ units: [IncomingUnit]) async throws -> [CommitOutcome]

    /// The patient's identifiers and current observations, or nil if unknown.
    func patient(_ id: StoredPatientID) async throws -> PatientSnapshot?

    /// The stored patients having `identifier`.
    func patients(with identifier: PatientIdentifier) async throws -> [StoredPatientID]

    /// The bytes of a committed unit exactly as given to `commit`, or nil if unknown: re-reading a unit
    /// after a mapping change starts here.
    func messageRaw(_ id: StoredMessageID) async throws -> [UInt8]?

    /// Patients whose `dataVersion` is newer than the data their current assessments were computed from,
    /// oldest change first.
    func dirtyPatients(limit: Int) async throws -> [StoredPatientID]

    /// Records new assessment versions for a patient (an empty list records that nothing changed) and marks
    /// the patient clean up to `dataVersion` (it stays dirty if newer data arrived meanwhile).
    /// Refuses (`.staleData`) when the assessments were already recorded from newer data than `dataVersion`,
    /// so a slow recompute of old data never replaces a newer result.
    /// All or nothing: on `.versionConflict` or `.staleData` nothing is written. An unknown patient is a `StoreError`.
    func recordAssessments(_ drafts: [AssessmentDraft], patient: StoredPatientID, dataVersion: Int64, at: String) async throws -> AssessmentWriteOutcome

    /// The current (not superseded) version of each assessment kind of a patient, by kind.
    func currentAssessments(patient: StoredPatientID) async throws -> [StoredAssessment]

    /// Every recorded assessment version with `sequence > after` (and, if given, `recordedAt >= since`),
    /// in sequence order, at most `limit`.
    func assessments(after: Int64, since: String?, limit: Int) async throws -> [StoredAssessment]

    /// Adds a dead letter, or, when an open letter with the same non-nil key exists, counts one more
    /// attempt on it and keeps the newest reason and bytes. Returns the letter's id.
    func addDeadLetter(_ letter: NewDeadLetter) async throws -> DeadLetterID

    /// Dead letters in id order, optionally only those in `state`.
    func deadLetters(state: DeadLetter.State?) async throws -> [DeadLetter]

    func deadLetter(_ id: DeadLetterID) async throws -> DeadLetter?

    /// A retry stored the letter's input as `message` (or found it already stored).
    func resolveDeadLetter(_ id: DeadLetterID, as message: StoredMessageID, at: String) async throws

    /// A retry was refused again: count the attempt and keep the new reason.
    func recordRetryFailure(_ id: DeadLetterID, reason: String, location: String?, at: String) async throws
}
