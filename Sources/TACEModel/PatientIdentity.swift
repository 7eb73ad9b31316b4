/// A business identifier as in FHIR `Identifier` (system URI + value) or HL7 v2 CX
/// (assigning authority mapped to a system URI).
public struct PatientIdentifier: Sendable, Hashable, Comparable {
    public var system: String?
    public var value: String
    public init(system: String?, value: String) {
        self.system = system
        self.value = value
    }
    public static func < (a: PatientIdentifier, b: PatientIdentifier) -> Bool {
        (a.system ?? "", a.value) < (b.system ?? "", b.value)
    }
}

/// Who an observation is about: the reference as the source wrote it (resolved
/// against the source's Bundle where possible, e.g. `Patient/123`) and any
/// business identifiers known for that patient.
///
/// Identifiers are patient data: never print them in logs or error texts.
public struct PatientIdentity: Sendable, Hashable {
    /// A FHIR reference such as `Patient/123`, or `nil` when the source has none.
    public var reference: String?
    public var identifiers: [PatientIdentifier]

    public init(reference: String?, identifiers: [PatientIdentifier] = []) {
        self.reference = reference
        self.identifiers = identifiers
    }
}
