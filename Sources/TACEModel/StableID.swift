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
            if i > 0 { h = (h ^ 0x1F) &* Self.prime }  // unit separator between parts
            var p = part
            p.withUTF8 { bytes in
                for byte in bytes { h = (h ^ UInt128(byte)) &* Self.prime }
            }
        }
        value = h
    }

    /// 32 lowercase hex digits.
    public var hex: String { format(dashed: false) }

    /// A UUID-shaped string (version nibble 8, RFC 9562 "custom"; variant bits 10) for `urn:uuid:` fullUrls.
    public var uuid: String { format(dashed: true) }

    public var urnUUID: String { "urn:uuid:" + uuid }

    /// Hex digits written straight into the string's storage: 32 digits in one loop, then the UUID
    /// dashes and version/variant nibbles. (A per-nibble loop with dash checks was ~7 % of `convert`.)
    private func format(dashed: Bool) -> String {
        let high = UInt64(truncatingIfNeeded: value >> 64), low = UInt64(truncatingIfNeeded: value)
        @inline(__always) func digit(_ nibble: UInt64) -> UInt8 {
            let n = UInt8(truncatingIfNeeded: nibble & 0xF)
            return n < 10 ? 0x30 &+ n : 0x57 &+ n  // 0-9, a-f
        }
        return String(unsafeUninitializedCapacity: dashed ? 36 : 32) { out in
            guard let p = out.baseAddress, out.count >= (dashed ? 36 : 32) else { return 0 }
            // Position of hex digit i: after the dashes that precede it (8-4-4-4-12) when dashed.
            @inline(__always) func at(_ i: Int) -> Int {
                dashed ? i &+ (i >= 8 ? 1 : 0) &+ (i >= 12 ? 1 : 0) &+ (i >= 16 ? 1 : 0) &+ (i >= 20 ? 1 : 0) : i
            }
            for i in 0..<16 {
                let shift = UInt64((15 &- i) &* 4)
                p[at(i)] = digit(high >> shift)
                p[at(i &+ 16)] = digit(low >> shift)
            }
            guard dashed else { return 32 }
            p[8] = 0x2D; p[13] = 0x2D; p[18] = 0x2D; p[23] = 0x2D
            p[at(12)] = digit(8)                                   // version
            p[at(16)] = digit(8 | ((low >> 60) & 0x3))             // variant 10xx
            return 36
        }
    }

    // Convenience forms used across writers.
    public static func hex(_ parts: [String]) -> String { StableID(parts).hex }
    public static func uuid(_ parts: [String]) -> String { StableID(parts).uuid }
}
