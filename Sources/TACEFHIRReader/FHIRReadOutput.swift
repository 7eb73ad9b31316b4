import TACEModel

/// A patient as described by a FHIR Patient resource.
public struct PatientRecord: Sendable, Hashable {
    public var identity: PatientIdentity
    /// Where it was read (for reports).
    public var file: String
}

/// Accumulates what readers produce. Callers may drain `observations` between reads (streaming).
public struct FHIRReadOutput: Sendable {
    public var observations: [TypedObservation] = []
    /// Patients keyed by their reference (`Patient/123`).
    public var patients: [String: PatientRecord] = [:]
    public var report = ReadReport()
    /// The patient of the last plain subject reference read (see `SubjectMemo`).
    var subjectMemo = SubjectMemo()
    public init() {}
}
