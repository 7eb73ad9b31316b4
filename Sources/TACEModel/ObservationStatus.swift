/// Result status, normalised from FHIR `Observation.status`, HL7 v2 OBX-11 and CDA statusCode.
public enum ObservationStatus: String, Sendable, Hashable, CaseIterable {
    case registered
    case preliminary
    case final
    case amended
    case corrected
    case cancelled
    case enteredInError = "entered-in-error"
    case unknown

    /// Whether a result with this status may be used as a scoring input
    /// (clinical reference §8.1: `final`, `amended` or `corrected` only).
    public var isUsableForScoring: Bool {
        switch self {
        case .final, .amended, .corrected: return true
        default: return false
        }
    }
}

/// Status of a procedure event (FHIR `Procedure.status`).
public enum ProcedureStatus: String, Sendable, Hashable, CaseIterable {
    case preparation
    case inProgress = "in-progress"
    case notDone = "not-done"
    case onHold = "on-hold"
    case stopped
    case completed
    case enteredInError = "entered-in-error"
    case unknown
}

extension ProcedureStatus {
    /// The statuses of a TACE procedure record the readers keep although it is no session: begun and not
    /// completed (`stopped`; HL7 v3 ActStatus `aborted`) or not performed (`not-done`; ActStatus `cancelled`).
    public static let notCompleted: Set<ProcedureStatus> = [.stopped, .notDone]

    /// Plain wording for rationales.
    public var notCompletedText: String {
        switch self {
        case .stopped: return "begun and not completed (status stopped)"
        case .notDone: return "not performed (status not-done)"
        default: return "status \(rawValue)"
        }
    }
}
