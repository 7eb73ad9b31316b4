import TACEMappings

/// The coding systems of the last few short coding-system names, for one message: OBX-3.3 is
/// `LN` (and OBX-3.6 a local `L`) in nearly every OBX, so each name is resolved once per message
/// instead of once per OBX. Names of up to 7 bytes are kept, packed into an integer.
struct CodingSystemCache {
    private var entries: [(name: UInt64, key: CodingSystemKey)] = []

    /// The system for `name`, resolved through `mappings` when not cached.
    mutating func system(_ name: UnsafeBufferPointer<UInt8>, in mappings: MappingTables) -> CodingSystemKey {
        guard let packed = Self.pack(name) else { return mappings.hl7v2CodingSystem(name) }
        for entry in entries where entry.name == packed { return entry.key }
        let key = mappings.hl7v2CodingSystem(name)
        if entries.count < 4 { entries.append((packed, key)) }
        return key
    }

    /// The bytes and their count in one integer (count in the top byte), for names of 1-7 bytes.
    static func pack(_ name: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard name.count <= 7 else { return nil }
        var packed = UInt64(name.count) << 56
        for (i, b) in name.enumerated() { packed |= UInt64(b) << (8 * UInt64(i)) }
        return packed
    }
}
