/// One parsed segment: where it is in the input and where its fields start.
///
/// Offsets are 32-bit (inputs are limited to 4 GiB) so that the per-field
/// index costs four bytes.
struct SegmentRecord: Sendable {
    /// Offset of the first byte of the segment id.
    var start: UInt32
    /// Offset just past the last byte of the segment (its terminator is not included).
    var end: UInt32
    /// Index into `HL7Storage.fieldStarts` of this segment's entry 0 (the id).
    var firstField: UInt32
    /// Number of entries in `fieldStarts`: the id, then one per field separator.
    var entryCount: UInt32
    /// The three id bytes, packed big-endian.
    var id: UInt32
    /// Whether this is MSH, FHS or BHS, whose field 1 is the field separator itself.
    var isHeader: Bool
}

/// The immutable result of one parse: the input bytes and the index over
/// them. Shared by every message, segment and value view of that input.
final class HL7Storage: Sendable {
    let bytes: [UInt8]
    let segments: [SegmentRecord]
    /// For each segment, the offsets where its entries start: entry 0 is the
    /// segment id, entry k the byte after the k-th field separator.
    let fieldStarts: [UInt32]

    init(bytes: [UInt8], segments: [SegmentRecord], fieldStarts: [UInt32]) {
        self.bytes = bytes
        self.segments = segments
        self.fieldStarts = fieldStarts
    }

    /// Byte range of entry `entry` (0 = id) of segment `segment`, or nil.
    @inline(__always)
    func entryRange(segment: Int, entry: Int) -> Range<Int>? {
        let record = segments[segment]
        guard entry >= 0, entry < Int(record.entryCount) else { return nil }
        let base = Int(record.firstField)
        let lower = Int(fieldStarts[base + entry])
        let upper = entry + 1 < Int(record.entryCount) ? Int(fieldStarts[base + entry + 1]) - 1 : Int(record.end)
        return lower..<upper
    }
}

enum SegmentID {
    @inline(__always)
    static func pack(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 {
        UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
    }

    static func pack(_ string: String) -> UInt32? {
        let utf8 = Array(string.utf8)
        guard utf8.count == 3 else { return nil }
        return pack(utf8[0], utf8[1], utf8[2])
    }

    static func string(_ id: UInt32) -> String {
        String(decoding: [UInt8(truncatingIfNeeded: id >> 16), UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)], as: UTF8.self)
    }

    static let msh = pack(0x4D, 0x53, 0x48)
    static let fhs = pack(0x46, 0x48, 0x53)
    static let bhs = pack(0x42, 0x48, 0x53)
    static let bts = pack(0x42, 0x54, 0x53)
    static let fts = pack(0x46, 0x54, 0x53)

    @inline(__always)
    static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always)
    static func isUpperOrDigit(_ b: UInt8) -> Bool { b &- 0x41 < 26 || b &- 0x30 < 10 }
}
