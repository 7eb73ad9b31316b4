import TACEFHIRReader

/// Which reader findings make a unit unusable as a whole, so it goes to the dead-letter table (with its
/// bytes, to be retried after a mapping fix) instead of being stored with a part missing.
///
/// The default dead-letters what is *meant* for TACEBridge but could not be used: a mapped concept whose
/// unit, value or coded answer is not understood, an invalid resource, a result without a patient.
/// Codes TACEBridge has no row for (`unmapped-code`: a CBC in an ORU, a lipid panel) are counted, not
/// dead-lettered, and so are absent data, excluded statuses, orders and negated statements.
public struct IngestPolicy: Sendable, Hashable {
    public var deadLetterKinds: Set<SkipKind>

    public static let defaultDeadLetterKinds: Set<SkipKind> = [
        .unmappedValue, .unknownUnit, .unconvertibleUnit, .missingUnit, .nonNumericValue, .unsupportedValueType,
        .invalidResource, .noSubject,
    ]

    public init(deadLetterKinds: Set<SkipKind> = IngestPolicy.defaultDeadLetterKinds) {
        self.deadLetterKinds = deadLetterKinds
    }
}
