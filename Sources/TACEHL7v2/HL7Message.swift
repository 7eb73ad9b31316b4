/// Everything parsed from one input: its messages and any batch envelope.
public struct HL7Interchange: Sendable {
    /// The messages in input order.
    public let messages: [HL7Message]
    /// FHS, BHS, BTS and FTS segments in input order (empty when there is no batch).
    public let envelope: [HL7Segment]
    /// Whether the input was MLLP-framed.
    public let isMLLPFramed: Bool

    /// The FHS segment, if any.
    public var fileHeader: HL7Segment? { envelope.first { $0.id == "FHS" } }
    /// The BHS segments (one per batch).
    public var batchHeaders: [HL7Segment] { envelope.filter { $0.id == "BHS" } }
}

/// One HL7 v2 message: an MSH and the segments up to the next MSH, batch
/// segment or end of input (or MLLP frame).
///
/// A view over the parsed input: copying it is cheap, and values are byte
/// ranges into the input decoded only on access.
///
/// Numbering: `segments` is a Swift collection (0-based); everything named
/// after HL7 is 1-based as in the standard (segment occurrence, field,
/// repetition, component, subcomponent).
public struct HL7Message: Sendable {
    let storage: HL7Storage
    let segmentRange: Range<Int>
    /// The delimiters declared by this message's MSH-1 and MSH-2.
    public let delimiters: HL7Delimiters
    /// 1-based position of this message in the input.
    public let index: Int
    /// Departures from the standard that the parser accepted (empty for a clean message).
    public let quirks: [HL7Quirk]

    init(storage: HL7Storage, segmentRange: Range<Int>, delimiters: HL7Delimiters, index: Int, quirks: [HL7Quirk] = []) {
        self.storage = storage
        self.segmentRange = segmentRange
        self.delimiters = delimiters
        self.index = index
        self.quirks = quirks
    }

    /// The segments in order, MSH first.
    public var segments: HL7Segments { HL7Segments(storage: storage, range: segmentRange, delimiters: delimiters) }

    /// The MSH segment.
    public var header: HL7Segment { segments[0] }

    /// The offsets of this message in the input, from `M` of MSH to the end
    /// of the last segment (its terminator excluded).
    public var byteRange: Range<Int> {
        Int(storage.segments[segmentRange.lowerBound].start)..<Int(storage.segments[segmentRange.upperBound - 1].end)
    }

    /// The message bytes as they were in the input.
    public var rawBytes: ArraySlice<UInt8> { storage.bytes[byteRange] }

    /// The `occurrence`-th segment (1-based) with id `id`, or nil.
    public func segment(_ id: String, occurrence: Int = 1) -> HL7Segment? {
        guard occurrence >= 1, let packed = SegmentID.pack(id) else { return nil }
        var seen = 0
        for index in segmentRange where storage.segments[index].id == packed {
            seen += 1
            if seen == occurrence { return HL7Segment(storage: storage, index: index, delimiters: delimiters) }
        }
        return nil
    }

    /// All segments with id `id`, in order.
    public func segments(_ id: String) -> [HL7Segment] {
        guard let packed = SegmentID.pack(id) else { return [] }
        return segmentRange.lazy.filter { storage.segments[$0].id == packed }
            .map { HL7Segment(storage: storage, index: $0, delimiters: self.delimiters) }
    }

    /// The value at an HL7 location such as `PID-3`, `PID-3.4`, `PID-3(2).4.2`
    /// or `OBX[3]-5`: segment id, optional `[occurrence]`, field, optional
    /// `(repetition)`, then component and subcomponent, all 1-based. Without
    /// a repetition the whole field is returned (all repetitions); a
    /// component then comes from the first repetition.
    /// Nil when the path is malformed or the segment is absent; an empty
    /// `HL7Value` when the segment exists but the value does not.
    public func value(at path: String) -> HL7Value? {
        guard let location = HL7Path(path), let segment = segment(location.segmentID, occurrence: location.occurrence) else {
            return nil
        }
        var value = segment[location.field]
        if let repetition = location.repetition { value = value.repetition(repetition) }
        if let component = location.component {
            value = value.component(component)
            if let subcomponent = location.subcomponent { value = value.subcomponent(subcomponent) }
        }
        return value
    }

    /// The decoded text at `path` (see `value(at:)`), nil when absent or empty.
    public func string(at path: String) -> String? {
        guard let value = value(at: path), !value.isEmpty else { return nil }
        return value.string
    }

    // MARK: Header conveniences

    /// MSH-9: message code, trigger event and message structure.
    public var messageType: HL7MessageType {
        let field = header[9]
        return HL7MessageType(
            code: field.component(1).nonEmptyString, triggerEvent: field.component(2).nonEmptyString,
            structure: field.component(3).nonEmptyString)
    }

    /// MSH-10, the message control id.
    public var controlID: String? { header[10].nonEmptyString }

    /// MSH-11.1, the processing id (P production, T training, D debugging).
    public var processingID: String? { header[11].component(1).nonEmptyString }

    /// MSH-12.1, the version id as written (for example `2.5.1`).
    public var version: String? { header[12].component(1).nonEmptyString }

    /// MSH-12.1 parsed; nil when absent or not of the form `2.n[.n]`.
    public var parsedVersion: HL7Version? { version.flatMap(HL7Version.init) }

    /// MSH-3.
    public var sendingApplication: HL7HierarchicDesignator { HL7HierarchicDesignator(header[3]) }
    /// MSH-4.
    public var sendingFacility: HL7HierarchicDesignator { HL7HierarchicDesignator(header[4]) }
    /// MSH-5.
    public var receivingApplication: HL7HierarchicDesignator { HL7HierarchicDesignator(header[5]) }
    /// MSH-6.
    public var receivingFacility: HL7HierarchicDesignator { HL7HierarchicDesignator(header[6]) }

    /// MSH-18, the first character set (for example `UNICODE UTF-8`, `8859/1`); nil when absent.
    public var characterSet: String? { header[18].repetition(1).nonEmptyString }
}

/// A departure from the standard that the parser tolerates, recorded on the message.
public enum HL7Quirk: Sendable, Hashable {
    /// MSH-2 was `^~\\&`: the escape character written twice (a message
    /// pasted from a string literal). Read as `^~\&`.
    case doubledEscapeInEncodingCharacters
}

/// The segments of a message, as a random-access collection (0-based).
public struct HL7Segments: RandomAccessCollection, Sendable {
    let storage: HL7Storage
    let range: Range<Int>
    let delimiters: HL7Delimiters

    public var startIndex: Int { 0 }
    public var endIndex: Int { range.count }
    public subscript(position: Int) -> HL7Segment {
        precondition(position >= 0 && position < range.count, "segment index out of range")
        return HL7Segment(storage: storage, index: range.lowerBound + position, delimiters: delimiters)
    }
}

/// MSH-9.
public struct HL7MessageType: Sendable, Hashable, CustomStringConvertible {
    /// MSH-9.1, for example `ORU`.
    public var code: String?
    /// MSH-9.2, for example `R01`.
    public var triggerEvent: String?
    /// MSH-9.3, for example `ORU_R01` (absent before v2.3.1 and often omitted).
    public var structure: String?

    public init(code: String?, triggerEvent: String?, structure: String? = nil) {
        self.code = code
        self.triggerEvent = triggerEvent
        self.structure = structure
    }

    public var description: String {
        [code, triggerEvent, structure].map { $0 ?? "" }.joined(separator: "^")
            .replacingTrailing("^")
    }
}

/// An HD value (MSH-3 to MSH-6): namespace id, universal id and its type.
public struct HL7HierarchicDesignator: Sendable, Hashable {
    public var namespaceID: String?
    public var universalID: String?
    public var universalIDType: String?

    public init(namespaceID: String?, universalID: String? = nil, universalIDType: String? = nil) {
        self.namespaceID = namespaceID
        self.universalID = universalID
        self.universalIDType = universalIDType
    }

    init(_ value: HL7Value) {
        namespaceID = value.component(1).nonEmptyString
        universalID = value.component(2).nonEmptyString
        universalIDType = value.component(3).nonEmptyString
    }

    /// Whether all three components are empty.
    public var isEmpty: Bool { namespaceID == nil && universalID == nil && universalIDType == nil }
}

/// An HL7 v2 version id, `2.minor[.patch]`.
public struct HL7Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(major: Int, minor: Int, patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `2.5`, `2.5.1`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 4, part.utf8.allSatisfy({ $0 &- 0x30 < 10 }), let n = Int(part) else { return nil }
            numbers.append(n)
        }
        self.init(major: numbers[0], minor: numbers[1], patch: numbers.count == 3 ? numbers[2] : 0)
    }

    public static func < (lhs: HL7Version, rhs: HL7Version) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String { patch == 0 ? "\(major).\(minor)" : "\(major).\(minor).\(patch)" }

    public static let v2_3 = HL7Version(major: 2, minor: 3)
    public static let v2_5 = HL7Version(major: 2, minor: 5)
    public static let v2_8 = HL7Version(major: 2, minor: 8)
}

extension String {
    fileprivate func replacingTrailing(_ suffix: Character) -> String {
        var s = self
        while s.last == suffix { s.removeLast() }
        return s
    }
}

/// A parsed location path: `SEG[occ]-field(rep).component.subcomponent`.
struct HL7Path {
    var segmentID: String
    var occurrence = 1
    var field: Int
    var repetition: Int?
    var component: Int?
    var subcomponent: Int?

    init?(_ path: String) {
        var rest = Substring(path)
        guard rest.count >= 5 else { return nil }
        segmentID = String(rest.prefix(3))
        rest = rest.dropFirst(3)
        func number(_ s: inout Substring) -> Int? {
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count < 7, let n = Int(digits), n >= 1 else { return nil }
            s = s.dropFirst(digits.count)
            return n
        }
        if rest.first == "[" {
            rest = rest.dropFirst()
            guard let n = number(&rest), rest.first == "]" else { return nil }
            occurrence = n
            rest = rest.dropFirst()
        }
        guard rest.first == "-" else { return nil }
        rest = rest.dropFirst()
        guard let f = number(&rest) else { return nil }
        field = f
        if rest.first == "(" {
            rest = rest.dropFirst()
            guard let n = number(&rest), rest.first == ")" else { return nil }
            repetition = n
            rest = rest.dropFirst()
        }
        if rest.first == "." {
            rest = rest.dropFirst()
            guard let c = number(&rest) else { return nil }
            component = c
            if rest.first == "." {
                rest = rest.dropFirst()
                guard let s = number(&rest) else { return nil }
                subcomponent = s
            }
        }
        guard rest.isEmpty else { return nil }
    }
}
