import TACEModel

/// One unit of input ready to be committed: everything the store needs to keep it, already parsed and mapped.
///
/// A unit is what is acknowledged as a whole: one HL7 v2 message, one FHIR resource version, one CDA
/// document. The store commits a unit completely or not at all.
public struct IncomingUnit: Sendable {
    public var key: IngestKey
    public var format: SourceFormat
    /// Where it came from, for operators: `file:labs.hl7`, `mllp:127.0.0.1:50123`, `http:POST /fhir`.
    public var receivedFrom: String
    /// When it was received, ISO 8601 UTC (`2026-11-23T16:05:46Z`); supplied by the caller, the store reads no clock.
    public var receivedAt: String
    /// The unit's bytes as received, kept so it can be re-read after a mapping change.
    public var raw: [UInt8]
    /// The patients the unit speaks about, each by every business identifier it gives.
    /// Every claim has at least one identifier (the ingest layer dead-letters units without).
    public var patients: [PatientClaim]
    public var observations: [ObservationRecord]
    /// Earlier units this one replaces as a whole (a CDA document with `relatedDocument typeCode="RPLC"`):
    /// every observation of those units is superseded.
    public var replacesUnits: [IngestKey]

    public init(key: IngestKey, format: SourceFormat, receivedFrom: String, receivedAt: String, raw: [UInt8],
                patients: [PatientClaim], observations: [ObservationRecord], replacesUnits: [IngestKey] = []) {
        self.key = key
        self.format = format
        self.receivedFrom = receivedFrom
        self.receivedAt = receivedAt
        self.raw = raw
        self.patients = patients
        self.observations = observations
        self.replacesUnits = replacesUnits
    }
}

/// A patient as one unit identifies it.
public struct PatientClaim: Sendable, Hashable {
    public var identifiers: [PatientIdentifier]
    public init(identifiers: [PatientIdentifier]) { self.identifiers = identifiers }
}

/// One typed observation as the store keeps it: the columns it is found by, and the whole observation as
/// an opaque payload (encoded and decoded by the ingest layer; the store never looks inside).
public struct ObservationRecord: Sendable, Hashable {
    /// Index into `IncomingUnit.patients`.
    public var patient: Int
    public var concept: Concept
    public var status: ObservationStatus
    /// Identity of the result across its versions: a correction carries the same key as the result it
    /// corrects (e.g. HL7 v2 filler order number + OBX-3 + OBX-4; FHIR `Observation/id`).
    public var resultKey: String
    /// Whether this record replaces earlier records of the same patient with the same `resultKey`
    /// (OBX-11 `C`/`W`/`D`, FHIR `amended`/`corrected`/`entered-in-error`).
    public var supersedesEarlier: Bool
    public var payload: [UInt8]

    public init(patient: Int, concept: Concept, status: ObservationStatus, resultKey: String, supersedesEarlier: Bool, payload: [UInt8]) {
        self.patient = patient
        self.concept = concept
        self.status = status
        self.resultKey = resultKey
        self.supersedesEarlier = supersedesEarlier
        self.payload = payload
    }
}

/// What happened to one unit of a `commit`.
public enum CommitOutcome: Sendable, Hashable {
    /// Stored; `patients` are the store's patients of the unit's claims, in claim order.
    case stored(StoredMessageID, patients: [StoredPatientID])
    /// A unit with the same key was committed before (or earlier in the same batch): nothing was written.
    case duplicate(of: StoredMessageID)
    /// The identifiers of claim `claim` belong to more than one stored patient: linking them is a clinical
    /// decision, so nothing of the unit was written (the caller dead-letters it).
    case patientConflict(claim: Int)
}
