import TACEModel

/// Why a resource or element could not be used. The raw values appear in reports.
public enum SkipKind: String, Sendable, CaseIterable, Comparable {
    case unmappedCode = "unmapped-code"
    case unmappedValue = "unmapped-value"
    case unknownUnit = "unknown-unit"
    case unconvertibleUnit = "unconvertible-unit"
    case missingUnit = "missing-unit"
    case dataAbsent = "data-absent"
    case excludedStatus = "excluded-status"
    case noValue = "no-value"
    case nonNumericValue = "non-numeric-value"
    case unsupportedValueType = "unsupported-value-type"
    case noSubject = "no-subject"
    case procedureNotCompleted = "procedure-not-completed"
    case conditionNotConfirmed = "condition-not-confirmed"
    case invalidResource = "invalid-resource"
    case ignoredResourceType = "ignored-resource-type"
    case supersededByComponent = "superseded-by-component"
    case unusableStatusForScoring = "status-not-for-scoring"
    case orderNotResult = "order-not-result"
    case negated = "negated"

    public static func < (a: SkipKind, b: SkipKind) -> Bool { a.rawValue < b.rawValue }

    /// One line saying what the kind means, for `--help` and reports.
    public var explanation: String {
        switch self {
        case .unmappedCode: return "no mapping-table row for any of the codes (add one to codes.csv)"
        case .unmappedValue: return "coded answer not in values.csv for the concept"
        case .unknownUnit: return "unit not recognised as a UCUM code or a known spelling"
        case .unconvertibleUnit: return "unit known but not convertible to the concept's canonical unit"
        case .missingUnit: return "numeric result without a unit and no default unit for its code"
        case .dataAbsent: return "dataAbsentReason (FHIR) or nullFlavor (CDA) instead of a value"
        case .excludedStatus: return "status cancelled or entered-in-error"
        case .noValue: return "no value[x] and no usable component"
        case .nonNumericValue: return "text result where a number is needed"
        case .unsupportedValueType: return "value[x] type not used for this concept"
        case .noSubject: return "no subject, a subject that does not resolve or is not a Patient, or an ambiguous patient identifier"
        case .procedureNotCompleted: return "procedure status is not completed"
        case .conditionNotConfirmed: return "condition refuted or entered in error"
        case .invalidResource: return "resource does not conform to FHIR R4 where TACEBridge reads it"
        case .ignoredResourceType: return "resource type not used by TACEBridge"
        case .supersededByComponent: return "value also given by a more specific component, which is used"
        case .unusableStatusForScoring: return "read, but scores use only final, amended or corrected results"
        case .orderNotResult: return "an order or order detail (HL7 v2 ORM/OML, OBR without results; CDA moodCode other than EVN), never a result"
        case .negated: return "negated statement (CDA negationInd): the finding is absent or the act was not done, never a positive result"
        }
    }
}

/// One thing that was read but not used, with where it is and why.
/// `detail` names codes, units and element paths only — never patient values or identifiers.
public struct SkippedItem: Sendable, Hashable {
    public var file: String
    public var location: String
    public var resourceType: String
    public var kind: SkipKind
    public var detail: String

    public init(file: String, location: String, resourceType: String, kind: SkipKind, detail: String) {
        self.file = file
        self.location = location
        self.resourceType = resourceType
        self.kind = kind
        self.detail = detail
    }
}

/// Counts of what was read, produced and skipped. Nothing read is dropped without a count here.
public struct ReadReport: Sendable {
    /// Detailed items kept (the first `maxItems`); counts are always complete.
    public var items: [SkippedItem] = []
    public var maxItems = 10_000
    /// Counts by kind, in `SkipKind.allCases` order (an array: counting hashes no `String`).
    private var counts = [Int](repeating: 0, count: SkipKind.allCases.count)
    /// The number of items skipped, by kind (kinds with none are absent).
    public var skippedByKind: [SkipKind: Int] {
        var out: [SkipKind: Int] = [:]
        for (kind, count) in zip(SkipKind.allCases, counts) where count > 0 { out[kind] = count }
        return out
    }
    public var resourcesByType: [String: Int] = [:]
    public var observationsProduced = 0
    public var filesRead = 0
    public var bytesRead = 0

    public init() {}

    public var skippedTotal: Int { counts.reduce(0, +) }
    public var itemsTruncated: Bool { skippedTotal > items.count }

    public mutating func skip(_ item: SkippedItem) {
        count(item.kind)
        if items.count < maxItems { items.append(item) }
    }

    private mutating func count(_ kind: SkipKind) {
        if let index = Self.kinds.firstIndex(of: kind) { counts[index] += 1 }
    }

    private static let kinds = SkipKind.allCases

    /// Whether `skip` still lists items (the first `maxItems`); counts are always complete.
    public var listsItems: Bool { items.count < maxItems }

    /// Counts one item of `kind` and lists it while the list has room; `item` (whose kind must be
    /// `kind`) is made only then, so readers of large inputs build no text for unlisted items.
    public mutating func skip(_ kind: SkipKind, _ item: @autoclosure () -> SkippedItem) {
        count(kind)
        if items.count < maxItems { items.append(item()) }
    }

    public mutating func merge(_ other: ReadReport) {
        for i in counts.indices { counts[i] += other.counts[i] }
        for item in other.items where items.count < maxItems { items.append(item) }
        for (k, v) in other.resourcesByType { resourcesByType[k, default: 0] += v }
        observationsProduced += other.observationsProduced
        filesRead += other.filesRead
        bytesRead += other.bytesRead
    }
}

/// What to do with a resource that does not conform to FHIR R4 where it is read.
public enum InvalidResourcePolicy: String, Sendable, CaseIterable {
    /// Stop with an error naming the file and the JSON path (the default: nothing is half-read silently).
    case fail
    /// Count it as `invalid-resource`, list it in the report and go on with the rest.
    case skip
}

/// Input that is not FHIR R4 JSON as TACEBridge reads it. Carries where and why, never patient values.
public struct FHIRReadError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Valid JSON but not an R4 resource where it is read (wrong type, bad code, missing required element).
        case invalidResource
        /// Content of another FHIR version (STU3, DSTU2).
        case unsupportedVersion(String)
        /// Not FHIR at all (no resourceType).
        case notFHIR
    }
    public var kind: Kind
    public var file: String
    /// JSON path such as `$.entry[2].resource.valueQuantity.value`, prefixed with `line N: ` for NDJSON.
    public var location: String
    public var reason: String

    public var description: String { "\(file): \(location): \(reason)" }
}
