/// One segment of a message (or of a batch envelope).
///
/// Field numbers are HL7's, 1-based. In MSH, FHS and BHS, field 1 is the
/// field separator itself and field 2 the encoding characters, so `MSH-3`
/// (sending application) is the text after the *second* separator, while
/// `PID-3` is the text after the *third*. Both are `segment[3]`.
public struct HL7Segment: Sendable {
    let storage: HL7Storage
    let index: Int
    /// The delimiters in force for this segment.
    public let delimiters: HL7Delimiters

    init(storage: HL7Storage, index: Int, delimiters: HL7Delimiters) {
        self.storage = storage
        self.index = index
        self.delimiters = delimiters
    }

    var record: SegmentRecord { storage.segments[index] }

    /// The three-character segment id, for example `PID`.
    public var id: String { SegmentID.string(record.id) }

    /// Whether this is MSH, FHS or BHS (field 1 is the field separator).
    public var isHeader: Bool { record.isHeader }

    /// The highest field number present (trailing empty fields count when
    /// their separators are written).
    public var fieldCount: Int {
        let entries = Int(record.entryCount)
        return record.isHeader ? entries : entries - 1
    }

    /// The segment's offsets in the input, terminator excluded.
    public var byteRange: Range<Int> { Int(record.start)..<Int(record.end) }

    /// The segment bytes as they were in the input.
    public var rawBytes: ArraySlice<UInt8> { storage.bytes[byteRange] }

    /// Field `number` (1-based), or nil when the segment has fewer fields.
    public func field(_ number: Int) -> HL7Value? {
        let record = self.record
        if record.isHeader {
            if number == 1 {
                let at = Int(record.start) + 3
                return HL7Value(storage: storage, byteRange: at..<at + 1, delimiters: delimiters, level: .field, literal: true)
            }
            guard number >= 2, let range = storage.entryRange(segment: index, entry: number - 1) else { return nil }
            return HL7Value(storage: storage, byteRange: range, delimiters: delimiters, level: .field, literal: number == 2)
        }
        guard number >= 1, let range = storage.entryRange(segment: index, entry: number) else { return nil }
        return HL7Value(storage: storage, byteRange: range, delimiters: delimiters, level: .field, literal: false)
    }

    /// Field `number` (1-based); an empty, absent value when the segment has fewer fields.
    public subscript(number: Int) -> HL7Value {
        field(number) ?? HL7Value.absent(storage: storage, at: Int(record.end), delimiters: delimiters, level: .field)
    }

    /// Fields 1 through `fieldCount`.
    public var fields: [HL7Value] { (0..<fieldCount).map { self[$0 + 1] } }
}

/// A value inside a segment: a field, one repetition of it, a component or a
/// subcomponent. A byte range into the input; `string` decodes it.
///
/// Navigation follows HL7's "first of" convention: `component(n)` on a
/// repeating field looks in the first repetition, `subcomponent(n)` on a
/// field or repetition looks in the first component, and asking a value for
/// a finer level it does not have (`component(1)` of a component) returns
/// the value itself; any other missing part is an empty, absent value.
public struct HL7Value: Sendable, CustomStringConvertible {
    public enum Level: Sendable, Comparable {
        case field, repetition, component, subcomponent
    }

    let storage: HL7Storage
    /// The value's offsets in the input.
    public let byteRange: Range<Int>
    public let delimiters: HL7Delimiters
    /// What this value is within its field.
    public let level: Level
    /// MSH-1 and MSH-2: never split, never unescaped.
    let literal: Bool
    /// False when the value does not exist in the message (as opposed to
    /// existing and being empty).
    public let isPresent: Bool

    init(storage: HL7Storage, byteRange: Range<Int>, delimiters: HL7Delimiters, level: Level, literal: Bool, isPresent: Bool = true) {
        self.storage = storage
        self.byteRange = byteRange
        self.delimiters = delimiters
        self.level = level
        self.literal = literal
        self.isPresent = isPresent
    }

    static func absent(storage: HL7Storage, at offset: Int, delimiters: HL7Delimiters, level: Level) -> HL7Value {
        HL7Value(storage: storage, byteRange: offset..<offset, delimiters: delimiters, level: level, literal: false, isPresent: false)
    }

    /// The bytes as written, escape sequences and inner delimiters included.
    public var rawBytes: ArraySlice<UInt8> { storage.bytes[byteRange] }

    /// Whether the value has no bytes (absent, or present but empty).
    public var isEmpty: Bool { byteRange.isEmpty }

    /// Whether the value is HL7's explicit null, `""` (delete the stored value).
    public var isNull: Bool {
        byteRange.count == 2 && storage.bytes[byteRange.lowerBound] == 0x22 && storage.bytes[byteRange.lowerBound + 1] == 0x22
    }

    /// The decoded text: escape sequences resolved (see `HL7Escaping`), inner
    /// delimiters kept as written. Valid UTF-8 is read as UTF-8, anything
    /// else as ISO 8859-1.
    public var string: String {
        if literal { return HL7Escaping.decodeText(storage.bytes[byteRange]) }
        return HL7Escaping.decode(storage.bytes[byteRange], delimiters: delimiters)
    }

    /// `string`, or nil when the value is empty.
    public var nonEmptyString: String? { isEmpty ? nil : string }

    public var description: String { string }

    // MARK: Navigation

    /// Repetition `number` (1-based) of a field.
    public func repetition(_ number: Int) -> HL7Value {
        guard level == .field, !literal else { return number == 1 ? self : absent(.repetition) }
        return part(number, separator: delimiters.repetition, level: .repetition)
    }

    /// Component `number` (1-based); of the first repetition for a field.
    public func component(_ number: Int) -> HL7Value {
        switch level {
        case .field where !literal: return repetition(1).component(number)
        case .repetition: return part(number, separator: delimiters.component, level: .component)
        default: return number == 1 ? self : absent(.component)
        }
    }

    /// Subcomponent `number` (1-based); of the first component for a field or repetition.
    public func subcomponent(_ number: Int) -> HL7Value {
        switch level {
        case .field where !literal, .repetition: return component(1).subcomponent(number)
        case .component: return part(number, separator: delimiters.subcomponent, level: .subcomponent)
        default: return number == 1 ? self : absent(.subcomponent)
        }
    }

    /// All repetitions of a field (one, possibly empty, when it does not repeat).
    public var repetitions: [HL7Value] {
        guard level == .field, !literal else { return [self] }
        return parts(separator: delimiters.repetition, level: .repetition)
    }

    /// All components (of the first repetition for a field).
    public var components: [HL7Value] {
        switch level {
        case .field where !literal: return repetition(1).components
        case .repetition: return parts(separator: delimiters.component, level: .component)
        default: return [self]
        }
    }

    /// All subcomponents (of the first component for a field or repetition).
    public var subcomponents: [HL7Value] {
        switch level {
        case .field where !literal, .repetition: return component(1).subcomponents
        case .component: return parts(separator: delimiters.subcomponent, level: .subcomponent)
        default: return [self]
        }
    }

    func absent(_ level: Level) -> HL7Value {
        .absent(storage: storage, at: byteRange.upperBound, delimiters: delimiters, level: level)
    }

    func part(_ number: Int, separator: UInt8, level: Level) -> HL7Value {
        guard isPresent, number >= 1 else { return absent(level) }
        let lower = byteRange.lowerBound
        let upper = byteRange.upperBound
        let found: Range<Int>? = storage.bytes.withUnsafeBufferPointer { p in
            var start = lower
            var n = 1
            var i = lower
            while i < upper {
                if p[i] == separator {
                    if n == number { return start..<i }
                    n += 1
                    start = i + 1
                }
                i += 1
            }
            return n == number ? start..<upper : nil
        }
        guard let found else { return absent(level) }
        return HL7Value(storage: storage, byteRange: found, delimiters: delimiters, level: level, literal: false)
    }

    func parts(separator: UInt8, level: Level) -> [HL7Value] {
        guard isPresent else { return [] }
        let lower = byteRange.lowerBound
        let upper = byteRange.upperBound
        let ranges: [Range<Int>] = storage.bytes.withUnsafeBufferPointer { p in
            var out: [Range<Int>] = []
            var start = lower
            for i in lower..<upper where p[i] == separator {
                out.append(start..<i)
                start = i + 1
            }
            out.append(start..<upper)
            return out
        }
        return ranges.map { HL7Value(storage: storage, byteRange: $0, delimiters: delimiters, level: level, literal: false) }
    }
}
