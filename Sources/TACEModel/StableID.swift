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

    private func format(dashed: Bool) -> String {
        let digits: StaticString = "0123456789abcdef"
        let high = UInt64(truncatingIfNeeded: value >> 64), low = UInt64(truncatingIfNeeded: value)
        return String(unsafeUninitializedCapacity: dashed ? 36 : 32) { out in
            digits.withUTF8Buffer { d in
                var j = 0
                for i in 0..<32 {
                    let word = i < 16 ? high : low
                    var nibble = Int((word >> UInt64((15 - i % 16) * 4)) & 0xF)
                    if dashed {
                        if i == 12 { nibble = 8 }                   // version
                        if i == 16 { nibble = 8 | (nibble & 0x3) }  // variant 10xx
                        if i == 8 || i == 12 || i == 16 || i == 20 { out[j] = 0x2D; j += 1 }
                    }
                    out[j] = d[nibble]
                    j += 1
                }
            }
            return dashed ? 36 : 32
        }
    }

    // Convenience forms used across writers.
    public static func hex(_ parts: [String]) -> String { StableID(parts).hex }
    public static func uuid(_ parts: [String]) -> String { StableID(parts).uuid }
}
