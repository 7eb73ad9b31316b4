/// Deterministic identifiers: the same inputs always give the same id, so re-running
/// TACEBridge on the same data produces the same resources (idempotent writes).
///
/// FNV-1a over 128 bits: not cryptographic, and not meant to be — the ids are keys, not secrets.
public enum StableID {
    static let offsetBasis: UInt128 = 0x6c62272e07bb014262b821756295c58d
    static let prime: UInt128 = 0x0000000001000000000000000000013B

    public static func hash(_ parts: [String]) -> UInt128 {
        var h = offsetBasis
        for (i, part) in parts.enumerated() {
            if i > 0 { h = (h ^ 0x1F) &* prime }  // unit separator between parts
            for byte in part.utf8 { h = (h ^ UInt128(byte)) &* prime }
        }
        return h
    }

    /// 32 lowercase hex digits.
    public static func hex(_ parts: [String]) -> String {
        let h = hash(parts)
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { out[31 - i] = digits[Int((h >> (UInt128(i) * 4)) & 0xF)] }
        return String(decoding: out, as: UTF8.self)
    }

    /// A UUID-shaped string (version nibble 8, RFC 9562 "custom") for `urn:uuid:` fullUrls.
    public static func uuid(_ parts: [String]) -> String {
        var h = Array(hex(parts).utf8)
        h[12] = UInt8(ascii: "8")
        let variant = "89ab".utf8.map { $0 }
        h[16] = variant[Int(h[16] % 4)]
        let s = String(decoding: h, as: UTF8.self)
        let a = s.utf8
        func slice(_ from: Int, _ to: Int) -> Substring { Substring(a[a.index(a.startIndex, offsetBy: from)..<a.index(a.startIndex, offsetBy: to)]) }
        return "\(slice(0, 8))-\(slice(8, 12))-\(slice(12, 16))-\(slice(16, 20))-\(slice(20, 32))"
    }
}
