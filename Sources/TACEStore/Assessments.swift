/// A computed assessment about to be recorded: the ingest layer renders the FHIR resource (with its id,
/// `status` and the link to the version it replaces); the store keeps versions and refuses lost updates.
public struct AssessmentDraft: Sendable, Hashable {
    /// What is assessed, unique per patient: `p-tace`, `child-pugh`, `refractoriness/jsh-lcsgj-2014`, `art`, `abcr`.
    public var kind: String
    /// 1 for the first version; the current version in the store must be `version - 1` (0: none yet).
    public var version: Int
    /// Equal fingerprints mean the same result: the ingest layer writes no new version then.
    public var fingerprint: String
    /// The identifier value of this version's RiskAssessment (empty when none could be computed).
    public var resourceID: String
    /// The resources of this version as a JSON array of Bundle entries (`fullUrl` + `resource`; they refer
    /// to each other by those fullUrls): the RiskAssessment and its companions (score Observation,
    /// normalized inputs, Provenance), or an OperationOutcome saying why it could not be computed.
    public var resource: [UInt8]

    public init(kind: String, version: Int, fingerprint: String, resourceID: String, resource: [UInt8]) {
        self.kind = kind
        self.version = version
        self.fingerprint = fingerprint
        self.resourceID = resourceID
        self.resource = resource
    }
}

/// One recorded version of an assessment.
public struct StoredAssessment: Sendable, Hashable {
    /// Store-wide, strictly increasing in recording order: export resumes from it.
    public var sequence: Int64
    public var patient: StoredPatientID
    public var kind: String
    public var version: Int
    public var fingerprint: String
    public var resourceID: String
    /// ISO 8601 UTC, as given to `recordAssessments`.
    public var recordedAt: String
    /// Whether a later version replaced this one.
    public var isSuperseded: Bool
    public var resource: [UInt8]

    public init(sequence: Int64, patient: StoredPatientID, kind: String, version: Int, fingerprint: String, resourceID: String,
                recordedAt: String, isSuperseded: Bool, resource: [UInt8]) {
        self.sequence = sequence
        self.patient = patient
        self.kind = kind
        self.version = version
        self.fingerprint = fingerprint
        self.resourceID = resourceID
        self.recordedAt = recordedAt
        self.isSuperseded = isSuperseded
        self.resource = resource
    }
}

/// What `recordAssessments` did.
public enum AssessmentWriteOutcome: Sendable, Hashable {
    /// All drafts recorded; the patient is clean unless newer data arrived meanwhile.
    case recorded
    /// A draft's `version - 1` is not the current version (another process recorded first): nothing was
    /// written; read the patient again and recompute.
    case versionConflict(kind: String)
    /// The patient's current assessments were computed from newer data than `dataVersion` (another process
    /// recomputed meanwhile): nothing was written; read the patient again.
    case staleData
}
