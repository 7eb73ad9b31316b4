/// Row identities inside a store. They are store-local (never written into FHIR output) and say
/// nothing about the patient, so they may appear in logs and error texts.
public struct StoredPatientID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "patient #\(rawValue)" }
}

/// The row of one committed input unit (an HL7 v2 message, a FHIR resource version, a CDA document).
public struct StoredMessageID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "message #\(rawValue)" }
}

/// The row of one dead letter.
public struct DeadLetterID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "dead letter #\(rawValue)" }
}

/// What makes an input unit unique, so the same unit received twice is stored once (issue 5, item 2).
///
/// The value may contain business identifiers (a FHIR `identifier` value): never print it in logs.
public struct IngestKey: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// HL7 v2: `MSH-3|MSH-4|MSH-10` (sending application, facility, message control id).
        case hl7v2
        /// FHIR: `identifier system|value` or `ResourceType/id`, then `|versionId` when given.
        case fhir
        /// CDA: `ClinicalDocument/id` as `root^extension`.
        case cda
        /// No business key in the unit: a 128-bit FNV-1a of its bytes (`StableID(bytes:)`; tells the same bytes apart, not a security hash).
        case content
    }
    public var kind: Kind
    public var value: String
    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }
}
