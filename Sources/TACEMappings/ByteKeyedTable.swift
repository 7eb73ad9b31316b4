/// An immutable hash table from byte strings (each with a small integer tag, such as the id of a
/// code system) to values, looked up with bytes borrowed from the input: a lookup makes no
/// `String` and hashes a few machine words instead of running SipHash over `String` keys.
///
/// Open addressing with linear probing over a power-of-two slot array kept at most half full.
/// Keys are bytes compared exactly; callers decide what equal means (see `ByteIndex`).
struct ByteKeyedTable<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var tag: UInt32
        var keyStart: Int
        var keyCount: Int
        var value: Value
    }

    private var slots: [Int32] = [-1]
    private var keyBytes: [UInt8] = []
    private var entries: [Entry] = []
    /// Whether some key has a byte >= 0x80 (see `ByteIndex` on canonical equivalence).
    private(set) var hasNonASCIIKeys = false

    init() {}

    /// Builds the table; when a (tag, key) pair repeats, the first value is kept.
    init(_ pairs: [(tag: UInt32, key: [UInt8], value: Value)]) {
        var capacity = 8
        while capacity < pairs.count * 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        for pair in pairs {
            let found = pair.key.withUnsafeBufferPointer { index(tag: pair.tag, key: $0) }
            guard case .vacant(let slot) = found else { continue }
            slots[slot] = Int32(entries.count)
            entries.append(Entry(tag: pair.tag, keyStart: keyBytes.count, keyCount: pair.key.count, value: pair.value))
            keyBytes += pair.key
            if pair.key.contains(where: { $0 >= 0x80 }) { hasNonASCIIKeys = true }
        }
    }

    var count: Int { entries.count }

    /// The value stored for `key` under `tag`, if any.
    @inline(__always)
    func value(tag: UInt32 = 0, key: UnsafeBufferPointer<UInt8>) -> Value? {
        guard case .found(let entry) = index(tag: tag, key: key) else { return nil }
        return entries[entry].value
    }

    private enum Probe {
        case found(Int)
        case vacant(Int)
    }

    private func index(tag: UInt32, key: UnsafeBufferPointer<UInt8>) -> Probe {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(tag: tag, key: key)) & mask
        return keyBytes.withUnsafeBufferPointer { stored in
            while true {
                let e = Int(slots[slot])
                if e < 0 { return .vacant(slot) }
                let entry = entries[e]
                if entry.tag == tag, entry.keyCount == key.count,
                   key.isEmpty || memoryEqual(stored.baseAddress! + entry.keyStart, key.baseAddress!, key.count) {
                    return .found(e)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        while i < count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// A multiplicative hash over 8-byte words (keys are short codes, units and URIs). Not
    /// collision-resistant, and it need not be: the table's contents are fixed, so input can at
    /// worst make one probe sequence walk a table of a few hundred entries.
    static func hash(tag: UInt32, key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let k: UInt64 = 0x9FB2_1C65_1E98_DF25
        var h = (UInt64(tag) &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(key.count &+ 1)) &* k
        guard let base = key.baseAddress else { return h ^ (h >> 32) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= key.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < key.count {
            tail |= UInt64(base[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* k
        return h ^ (h >> 32)
    }
}
