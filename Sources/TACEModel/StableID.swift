/// Deterministic identifiers: the same inputs always give the same id, so re-running
/// TACEBridge on the same data produces the same resources (idempotent writes).
///
/// FNV-1a over 128 bits: not cryptographic, and not meant to be — the ids are keys, not secrets.
public struct StableID: Sendable, Hashable {
    public let value: UInt128

    static let offsetBasis: UInt128 = 0x6c62272e07bb014262b821756295c58d
    static let prime: UInt128 = 0x0000000001000000000000000000013B

    public init(_ parts: [String]) {
        var h = Self.offsetBasis
        for (i, part) in parts.enumerated() {
            if i > 0 { h = Self.step(h, 0x1F) }  // unit separator between parts
            Self.mix(part, into: &h)
        }
        value = h
    }

    /// The id of two or three parts: the same value as `init([a, b])` / `init([a, b, c])`, without
    /// an array (writers make two ids per resource).
    public init(_ a: String, _ b: String, _ c: String? = nil) {
        var h = Self.offsetBasis
        Self.mix(a, into: &h)
        h = Self.step(h, 0x1F)
        Self.mix(b, into: &h)
        if let c {
            h = Self.step(h, 0x1F)
            Self.mix(c, into: &h)
        }
        value = h
    }

    /// The id of a byte string (input without a business key, a resource's bytes); equal to `init([s])`
    /// for the UTF-8 bytes of a string `s`.
    public init<S: Sequence>(bytes: S) where S.Element == UInt8 {
        var h = Self.offsetBasis
        if bytes.withContiguousStorageIfAvailable({ Self.mix(UnsafeRawBufferPointer($0), into: &h) }) == nil {
            for byte in bytes { h = Self.step(h, byte) }
        }
        value = h
    }

    /// The id of the bytes in `buffer`: the same value as `init(bytes:)` on a copy of them.
    public init(bytes buffer: UnsafeRawBufferPointer) {
        var h = Self.offsetBasis
        Self.mix(buffer, into: &h)
        value = h
    }

    private static func mix(_ part: String, into h: inout UInt128) {
        var p = part
        p.withUTF8 { mix(UnsafeRawBufferPointer($0), into: &h) }
    }

    private static func mix(_ bytes: UnsafeRawBufferPointer, into h: inout UInt128) {
        var x = h
        for byte in bytes { x = step(x, byte) }
        h = x
    }

    /// One FNV-1a step: `(h ^ byte) * prime` mod 2^128. The prime is 2^88 + 0x13B, so the product is
    /// `x * 0x13B + (x << 88)`: a 128-by-9-bit multiply and a shift instead of a full 128-bit multiply
    /// (content keys hash every received message).
    @inline(__always)
    static func step(_ h: UInt128, _ byte: UInt8) -> UInt128 {
        let x = h ^ UInt128(byte)
        return x &* 0x13B &+ (x &<< 88)
    }

    /// An id with a given hash value (tests use it to check formatting at the edges).
    init(value: UInt128) { self.value = value }

    /// 32 lowercase hex digits.
    public var hex: String { format(.hex) }

    /// A UUID-shaped string (version nibble 8, RFC 9562 "custom"; variant bits 10) for `urn:uuid:` fullUrls.
    public var uuid: String { format(.uuid) }

    public var urnUUID: String { format(.urnUUID) }

    /// The textual forms of an id.
    public enum Form: Sendable {
        /// 32 lowercase hex digits.
        case hex
        /// 8-4-4-4-12 hex digits with version and variant nibbles set (see `uuid`).
        case uuid
        /// `urn:uuid:` followed by the `uuid` form.
        case urnUUID

        var count: Int {
            switch self {
            case .hex: return 32
            case .uuid: return 36
            case .urnUUID: return 45
            }
        }
    }

    /// Calls `body` with the ASCII bytes of the id in `form`, formatted on the stack: writers copy
    /// them into their output without creating a String (two per written resource, ~3 % of `convert`).
    public func withUTF8<R>(_ form: Form, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            let n = write(form, into: buffer)
            return try body(UnsafeBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    private func format(_ form: Form) -> String {
        withUTF8(form) { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes the id in `form` at the start of `out` (which must hold `form.count` bytes) and returns
    /// the number of bytes written: 32 hex digits in one loop, then the UUID dashes and version/variant nibbles.
    private func write(_ form: Form, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let base = out.baseAddress, out.count >= form.count else { return 0 }
        var p = base
        if form == .urnUUID {
            let prefix: StaticString = "urn:uuid:"
            p.update(from: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
            p += prefix.utf8CodeUnitCount
        }
        let dashed = form != .hex
        let high = UInt64(truncatingIfNeeded: value >> 64), low = UInt64(truncatingIfNeeded: value)
        @inline(__always) func digit(_ nibble: UInt64) -> UInt8 {
            let n = UInt8(truncatingIfNeeded: nibble & 0xF)
            return n < 10 ? 0x30 &+ n : 0x57 &+ n  // 0-9, a-f
        }
        // Position of hex digit i: after the dashes that precede it (8-4-4-4-12) when dashed.
        @inline(__always) func at(_ i: Int) -> Int {
            dashed ? i &+ (i >= 8 ? 1 : 0) &+ (i >= 12 ? 1 : 0) &+ (i >= 16 ? 1 : 0) &+ (i >= 20 ? 1 : 0) : i
        }
        for i in 0..<16 {
            let shift = UInt64((15 &- i) &* 4)
            p[at(i)] = digit(high >> shift)
            p[at(i &+ 16)] = digit(low >> shift)
        }
        if dashed {
            p[8] = 0x2D; p[13] = 0x2D; p[18] = 0x2D; p[23] = 0x2D
            p[at(12)] = digit(8)                                   // version
            p[at(16)] = digit(8 | ((low >> 60) & 0x3))             // variant 10xx
        }
        return form.count
    }

    // Convenience forms used across writers.
    public static func hex(_ parts: [String]) -> String { StableID(parts).hex }
    public static func uuid(_ parts: [String]) -> String { StableID(parts).uuid }
}
