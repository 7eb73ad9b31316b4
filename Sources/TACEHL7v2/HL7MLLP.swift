/// Minimal Lower Layer Protocol framing: 0x0B, the message, 0x1C 0x0D.
public enum HL7MLLP {
    public static let startBlock: UInt8 = 0x0B
    public static let endBlock: UInt8 = 0x1C

    /// `bytes` wrapped in one MLLP frame.
    public static func frame(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 3)
        out.append(startBlock)
        out += bytes
        out.append(endBlock)
        out.append(ASCII.cr)
        return out
    }
}
