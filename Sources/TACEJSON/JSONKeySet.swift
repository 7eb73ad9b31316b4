/// A fixed set of member names looked up together: one pass over an object's members
/// finds all of them, instead of one linear scan per name. Build it once (a `static let`)
/// and reuse it; lookups allocate one small array.
public struct JSONKeySet: Sendable {
    let keys: [[UInt8]]
    /// For each key length up to `maxLength`, the indices of keys with that length.
    let byLength: [[Int]]

    public init(_ names: [String]) {
        keys = names.map { Array($0.utf8) }
        let longest = keys.map(\.count).max() ?? 0
        var table = [[Int]](repeating: [], count: longest + 1)
        for (i, k) in keys.enumerated() { table[k.count].append(i) }
        byLength = table
    }

    public var count: Int { keys.count }
}

extension JSONValue {
    /// The values of the members named in `set` (the first occurrence of each), in the set's
    /// order; `nil` where absent or when this is not an object.
    public func values(for set: JSONKeySet) -> [JSONValue?] {
        var result = [JSONValue?](repeating: nil, count: set.count)
        let n = node
        guard n.tag == Node.object else { return result }
        let nodes = storage.nodes
        var k = index + 1
        let stop = Int(n.next)
        storage.bytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            while k < stop {
                let keyNode = nodes[k]
                if keyNode.flag {
                    // A key with escapes: decode it (rare).
                    if let name = JSONValue(storage: storage, index: k).string {
                        let utf8 = Array(name.utf8)
                        if let i = set.keys.firstIndex(of: utf8), result[i] == nil {
                            result[i] = JSONValue(storage: storage, index: k + 1)
                        }
                    }
                } else {
                    let start = Int(keyNode.start) + 1
                    let length = Int(keyNode.end) - 1 - start
                    if length < set.byLength.count {
                        for i in set.byLength[length] where result[i] == nil {
                            let matched = set.keys[i].withUnsafeBufferPointer { key in
                                key.baseAddress.map { bytesEqual(base + start, $0, length) } ?? (length == 0)
                            }
                            if matched {
                                result[i] = JSONValue(storage: storage, index: k + 1)
                                break
                            }
                        }
                    }
                }
                k = Int(nodes[k + 1].next)
            }
        }
        return result
    }
}
