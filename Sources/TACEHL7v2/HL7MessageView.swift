/// A packed three-character segment id (`OBX`), compared as one integer.
public struct HL7SegmentID: Sendable, Hashable, CustomStringConvertible {
    let packed: UInt32

    init(packed: UInt32) { self.packed = packed }

    /// The id of a three-character ASCII text; nil for any other text.
    public init?(_ text: String) {
        guard let packed = SegmentID.pack(text) else { return nil }
        self.packed = packed
    }

    public var description: String { SegmentID.string(packed) }

    public static let msh = HL7SegmentID(packed: SegmentID.msh)
    public static let pid = HL7SegmentID(packed: SegmentID.pack(0x50, 0x49, 0x44))
    public static let obr = HL7SegmentID(packed: SegmentID.pack(0x4F, 0x42, 0x52))
    public static let obx = HL7SegmentID(packed: SegmentID.pack(0x4F, 0x42, 0x58))
    public static let nte = HL7SegmentID(packed: SegmentID.pack(0x4E, 0x54, 0x45))
    public static let pr1 = HL7SegmentID(packed: SegmentID.pack(0x50, 0x52, 0x31))
}

/// Where a value is in the input, for `HL7MessageView`: a byte range and what the value is within
/// its field. Plain data with no reference to the input, so making and copying one costs nothing.
/// The same value as the `HL7Value` at the same place (see `HL7Value` for the navigation rules).
public struct HL7Span: Sendable, Equatable {
    /// Offsets in the input (`HL7MessageView.bytes`).
    public let lowerBound: Int
    public let upperBound: Int
    public let level: HL7Value.Level
    /// MSH-1 and MSH-2: never split, never unescaped.
    let literal: Bool
    /// False when the value does not exist in the message (as opposed to existing and being empty).
    public let isPresent: Bool

    /// Whether the value has no bytes (absent, or present but empty).
    public var isEmpty: Bool { lowerBound == upperBound }
    public var count: Int { upperBound - lowerBound }

    static func absent(at offset: Int, level: HL7Value.Level) -> HL7Span {
        HL7Span(lowerBound: offset, upperBound: offset, level: level, literal: false, isPresent: false)
    }
}

/// Access to one parsed message for loops that visit every segment and field (the HL7 v2 reader):
/// the same fields, components and decoded text as `HL7Segment` and `HL7Value`, but values are
/// plain `HL7Span`s and bytes are read through pointers, so navigating makes no allocation and no
/// reference-count traffic.
///
/// Only valid inside `HL7Message.withView`: it points into the storage of the parse, which the
/// message keeps alive for the duration of that call. Do not keep it, or `bytes`, beyond the call.
public struct HL7MessageView {
    /// The whole parsed input; spans are offsets into it.
    public let bytes: UnsafeBufferPointer<UInt8>
    let records: UnsafeBufferPointer<SegmentRecord>
    let fieldStarts: UnsafeBufferPointer<UInt32>
    let firstSegment: Int
    /// The number of segments of the message, MSH included.
    public let segmentCount: Int
    public let delimiters: HL7Delimiters

    /// The id of segment `index` (0-based, MSH is 0).
    @inline(__always)
    public func segmentID(_ index: Int) -> HL7SegmentID {
        HL7SegmentID(packed: records[firstSegment + index].id)
    }

    /// Field `number` (1-based) of segment `index`; absent (and empty) when the segment has fewer fields.
    public func field(_ index: Int, _ number: Int) -> HL7Span {
        let record = records[firstSegment + index]
        let entries = Int(record.entryCount)
        var entry = number
        var literal = false
        if record.isHeader {
            if number == 1 {
                let at = Int(record.start) + 3
                return HL7Span(lowerBound: at, upperBound: at + 1, level: .field, literal: true, isPresent: true)
            }
            entry = number - 1
            literal = number == 2
        }
        guard entry >= 1, entry < entries else { return .absent(at: Int(record.end), level: .field) }
        let base = Int(record.firstField)
        let lower = Int(fieldStarts[base + entry])
        let upper = entry + 1 < entries ? Int(fieldStarts[base + entry + 1]) - 1 : Int(record.end)
        return HL7Span(lowerBound: lower, upperBound: upper, level: .field, literal: literal, isPresent: true)
    }

    /// Repetition `number` (1-based) of a field.
    public func repetition(_ value: HL7Span, _ number: Int) -> HL7Span {
        guard value.level == .field, !value.literal else { return number == 1 ? value : absent(after: value, .repetition) }
        return part(value, number, separator: delimiters.repetition, level: .repetition)
    }

    /// Component `number` (1-based); of the first repetition for a field.
    public func component(_ value: HL7Span, _ number: Int) -> HL7Span {
        switch value.level {
        case .field where !value.literal: return component(repetition(value, 1), number)
        case .repetition: return part(value, number, separator: delimiters.component, level: .component)
        default: return number == 1 ? value : absent(after: value, .component)
        }
    }

    /// Subcomponent `number` (1-based); of the first component for a field or repetition.
    public func subcomponent(_ value: HL7Span, _ number: Int) -> HL7Span {
        switch value.level {
        case .field where !value.literal, .repetition: return subcomponent(component(value, 1), number)
        case .component: return part(value, number, separator: delimiters.subcomponent, level: .subcomponent)
        default: return number == 1 ? value : absent(after: value, .subcomponent)
        }
    }

    /// The number of repetitions of a field (as `HL7Value.repetitions.count`: 0 when absent).
    public func repetitionCount(_ value: HL7Span) -> Int {
        guard value.isPresent else { return 0 }
        guard value.level == .field, !value.literal else { return 1 }
        var n = 1
        for i in value.lowerBound..<value.upperBound where bytes[i] == delimiters.repetition { n += 1 }
        return n
    }

    /// Whether the value is HL7's explicit null, `""`.
    public func isNull(_ value: HL7Span) -> Bool {
        value.count == 2 && bytes[value.lowerBound] == 0x22 && bytes[value.lowerBound + 1] == 0x22
    }

    /// The decoded text, as `HL7Value.string`.
    public func string(_ value: HL7Span) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[value.lowerBound..<value.upperBound])
        if value.literal { return HL7Escaping.decodeText(raw) }
        return HL7Escaping.decode(raw, delimiters: delimiters)
    }

    /// The bytes of the value as written.
    public func rawBytes(_ value: HL7Span) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[value.lowerBound..<value.upperBound])
    }

    /// Whether the bytes as written are the decoded text: only ASCII and no escape character (so
    /// `string` would return them unchanged). Most values in real feeds are.
    public func isPlainASCII(_ value: HL7Span) -> Bool {
        if value.literal { return rawBytes(value).allSatisfy { $0 < 0x80 } }
        let escape = delimiters.escape
        for i in value.lowerBound..<value.upperBound {
            let b = bytes[i]
            if b >= 0x80 || b == escape { return false }
        }
        return true
    }

    func absent(after value: HL7Span, _ level: HL7Value.Level) -> HL7Span {
        .absent(at: value.upperBound, level: level)
    }

    func part(_ value: HL7Span, _ number: Int, separator: UInt8, level: HL7Value.Level) -> HL7Span {
        guard value.isPresent, number >= 1 else { return absent(after: value, level) }
        var start = value.lowerBound
        var n = 1
        var i = value.lowerBound
        let upper = value.upperBound
        while i < upper {
            if bytes[i] == separator {
                if n == number { return HL7Span(lowerBound: start, upperBound: i, level: level, literal: false, isPresent: true) }
                n += 1
                start = i + 1
            }
            i += 1
        }
        guard n == number else { return absent(after: value, level) }
        return HL7Span(lowerBound: start, upperBound: upper, level: level, literal: false, isPresent: true)
    }
}

extension HL7Message {
    /// Calls `body` with an allocation-free view of this message (see `HL7MessageView`), valid only
    /// during the call.
    public func withView<R, E: Error>(_ body: (HL7MessageView) throws(E) -> R) throws(E) -> R {
        let storage = self.storage
        let first = segmentRange.lowerBound, count = segmentRange.count, delimiters = self.delimiters
        return try storage.bytes.withUnsafeBufferPointer { (bytes) throws(E) -> R in
            try storage.segments.withUnsafeBufferPointer { (records) throws(E) -> R in
                try storage.fieldStarts.withUnsafeBufferPointer { (fieldStarts) throws(E) -> R in
                    try body(HL7MessageView(bytes: bytes, records: records, fieldStarts: fieldStarts,
                                            firstSegment: first, segmentCount: count, delimiters: delimiters))
                }
            }
        }
    }
}

extension HL7MessageView {
    /// The components of a value, found in one scan: `components(of: v)[n] == component(v, n)`.
    public func components(of value: HL7Span) -> HL7Parts {
        switch value.level {
        case .field where !value.literal:
            // The first repetition, split in the same scan that finds its end.
            return HL7Parts(self, splitting: value, separator: delimiters.component, level: .component,
                            endingAt: delimiters.repetition)
        case .repetition: return HL7Parts(self, splitting: value, separator: delimiters.component, level: .component)
        default: return HL7Parts(self, whole: value, level: .component)
        }
    }

    /// The subcomponents of a value, found in one scan: `subcomponents(of: v)[n] == subcomponent(v, n)`.
    public func subcomponents(of value: HL7Span) -> HL7Parts {
        switch value.level {
        case .field where !value.literal, .repetition: return subcomponents(of: component(value, 1))
        case .component: return HL7Parts(self, splitting: value, separator: delimiters.subcomponent, level: .subcomponent)
        default: return HL7Parts(self, whole: value, level: .subcomponent)
        }
    }
}

/// The parts of one value (components of a repetition, subcomponents of a component) located in
/// one scan, for readers that take several parts of the same value (OBX-3 code, text and coding
/// system). Part `n` (1-based) is the same span as `HL7MessageView.component` or `subcomponent`
/// would give; the first `recorded` parts are kept, later ones are found by a scan when asked.
public struct HL7Parts {
    /// How many part starts are kept.
    static let recorded = 9
    private let view: HL7MessageView
    private let value: HL7Span
    private let level: HL7Value.Level
    /// Start offsets of the first parts; `count` parts exist in all.
    private var starts = InlineArray<9, Int>(repeating: 0)
    private var count = 0
    /// Whether the value is not split: part 1 is the value itself.
    private let whole: Bool
    /// Whether every part is plain ASCII without escapes (`HL7MessageView.isPlainASCII` of each),
    /// found in the same scan.
    public private(set) var isPlainASCII = false

    init(_ view: HL7MessageView, whole value: HL7Span, level: HL7Value.Level) {
        self.view = view
        self.value = value
        self.level = level
        self.whole = true
    }

    /// Splits `value` at `separator`. With `repetitionSeparator`, `value` is a field and what is split
    /// is its first repetition (the bytes up to the first repetition separator).
    init(_ view: HL7MessageView, splitting value: HL7Span, separator: UInt8, level: HL7Value.Level,
         endingAt repetitionSeparator: UInt8? = nil) {
        self.view = view
        self.level = level
        self.whole = false
        guard value.isPresent else {
            self.value = repetitionSeparator == nil ? value : .absent(at: value.upperBound, level: .repetition)
            return
        }
        starts[0] = value.lowerBound
        count = 1
        let escape = view.delimiters.escape
        let stop = repetitionSeparator ?? separator  // a stop that never differs from the separator: no early end
        var special = false
        var i = value.lowerBound
        let end = value.upperBound
        scan: while i < end {
            // Eight bytes at a time past runs holding no separator, stop, escape or non-ASCII byte.
            if i &+ 8 <= end, !Self.mayHoldDelimiter(view.bytes, at: i, separator, stop, escape) {
                i &+= 8
                continue
            }
            let chunkEnd = min(i &+ 8, end)
            while i < chunkEnd {
                let b = view.bytes[i]
                if b == separator {
                    if count < Self.recorded { starts[count] = i + 1 }
                    count += 1
                } else if b == stop {
                    break scan
                }
                special = special || b >= 0x80 || b == escape
                i += 1
            }
        }
        self.value = repetitionSeparator == nil
            ? value
            : HL7Span(lowerBound: value.lowerBound, upperBound: i, level: .repetition, literal: false, isPresent: true)
        isPlainASCII = !special
    }

    /// Whether the eight bytes at `offset` (which must be in `bytes`) may hold one of the three
    /// delimiters or a non-ASCII byte. Exact when false ("has zero byte" test on the XOR with each).
    @inline(__always)
    static func mayHoldDelimiter(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        // In bounds: callers pass offset + 8 <= the end of a span inside `bytes`.
        let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let found = hasZero(word ^ (UInt64(a) &* ones)) | hasZero(word ^ (UInt64(b) &* ones))
            | hasZero(word ^ (UInt64(c) &* ones)) | (word & highs)
        return found != 0
    }

    /// Part `number` (1-based); absent when there is no such part.
    public subscript(number: Int) -> HL7Span {
        if whole { return number == 1 ? value : .absent(at: value.upperBound, level: level) }
        guard number >= 1, number <= count else { return .absent(at: value.upperBound, level: level) }
        guard number < Self.recorded else {
            return level == .component ? view.component(value, number) : view.subcomponent(value, number)
        }
        let lower = starts[number - 1]
        let upper = number < count ? starts[number] - 1 : value.upperBound
        return HL7Span(lowerBound: lower, upperBound: upper, level: level, literal: false, isPresent: true)
    }
}
