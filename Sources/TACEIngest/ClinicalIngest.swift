import TACEModel
import TACEStore

/// What the service edges (MLLP listener, HTTP server, CLI) ask of the ingest layer. The edges know
/// framing, HTTP and MLLP; this layer knows formats, the store and the scores, and nothing of sockets.
public protocol ClinicalIngest: Sendable {
    /// One HL7 v2 message as received (an MLLP frame's content, without 0x0B and 0x1C 0x0D).
    /// Returns after the message is committed, dead-lettered or refused, with the ACK to send:
    /// `AA` only when it is durably stored (or was already: a resend), `AE`/`AR` with ERR otherwise.
    func receiveHL7v2(_ message: [UInt8], from peer: String) async -> HL7v2Receipt

    /// A document of any supported format (a FHIR Bundle or resource, NDJSON, HL7 v2 file, CDA, site XML):
    /// each unit in it is committed or dead-lettered before this returns.
    func receiveDocument(_ bytes: [UInt8], name: String, from peer: String) async -> DocumentReceipt

    /// The current RiskAssessments (FHIR R4 JSON, one resource each) of the patients matching `patient`.
    func riskAssessments(for patient: PatientQuery) async throws -> [[UInt8]]

    /// Recomputes the patient's assessments now and returns the current RiskAssessments.
    func assess(_ patient: PatientQuery) async throws -> [[UInt8]]

    /// Recomputes the assessments of every patient with new data (at most `limit`).
    func recomputeDirty(limit: Int) async throws -> RecomputeSummary
}

/// How a caller names a patient: a business identifier (`system|value`) or a store row.
public enum PatientQuery: Sendable, Hashable {
    case identifier(PatientIdentifier)
    case stored(StoredPatientID)
}

/// The result of one HL7 v2 message.
public struct HL7v2Receipt: Sendable {
    public enum Outcome: Sendable, Hashable {
        /// Committed (ACK AA).
        case stored(StoredMessageID)
        /// Already committed earlier: a resend (ACK AA, nothing written).
        case duplicate(of: StoredMessageID)
        /// Kept in the dead-letter table with its reason (ACK AE for content that cannot be used, AR for an
        /// unreadable message).
        case deadLettered(DeadLetterID)
        /// Not kept at all: the store failed (ACK AR: refused for a reason unrelated to the content, resend later).
        case refused
    }
    public var outcome: Outcome
    /// The ACK message (ER7, segments separated by CR), ready to frame.
    public var ack: [UInt8]
    /// Why it was not stored, for logs: positions and codes only, never patient data.
    public var reason: String?

    public init(outcome: Outcome, ack: [UInt8], reason: String?) {
        self.outcome = outcome
        self.ack = ack
        self.reason = reason
    }

    /// Whether the ACK is AA.
    public var isAccepted: Bool {
        switch outcome {
        case .stored, .duplicate: return true
        case .deadLettered, .refused: return false
        }
    }
}

/// The result of a document: one line per unit, counts, and what could not be used.
public struct DocumentReceipt: Sendable {
    public var stored = 0
    public var duplicates = 0
    public var deadLettered: [DeadLetterID] = []
    /// Set when the document as a whole could not be read or stored (nothing of it was kept unless
    /// `deadLettered` says so); positions and codes only.
    public var failure: String?
    /// Items read but not used (unmapped codes, statuses…), by kind, as in `convert`'s report.
    public var skippedByKind: [String: Int] = [:]
    public init() {}
}

/// What a recompute pass did.
public struct RecomputeSummary: Sendable, Hashable {
    public var patients = 0
    /// Assessments recorded for the first time.
    public var created = 0
    /// Assessments that replaced an earlier version (`status` amended).
    public var amended = 0
    /// Assessments recomputed with the same result (nothing written).
    public var unchanged = 0
    /// Assessments no longer computable, withdrawn (a version without RiskAssessment).
    public var withdrawn = 0
    /// Patients that could not be recomputed (left dirty), with the reason (no patient data).
    public var failed: [String] = []
    public init() {}
}
