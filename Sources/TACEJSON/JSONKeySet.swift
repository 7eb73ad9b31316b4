/// A fixed set of member names looked up together: one pass over an object's members
/// finds all of them, instead of one linear scan per name. Build it once (a `static let`)
/// and reuse it; lookups allocate one small array.
public struct JSONKeySet: Sendable {
    /// The names' UTF-8 bytes one after another: name `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    let bytes: [UInt8]
    let offsets: [Int]
    /// Name indices grouped by length, in set order: the names of length `n` are
    /// `candidates[firstOfLength[n] ..< firstOfLength[n + 1]]`.
    let candidates: [Int]
    let firstOfLength: [Int]

    public init(_ names: [String]) {
        let keys = names.map { Array($0.utf8) }
        var bytes: [UInt8] = []
        var offsets = [0]
        for k in keys {
            bytes += k
            offsets.append(bytes.count)
        }
        let longest = keys.map(\.count).max() ?? 0
        var candidates: [Int] = []
        var firstOfLength: [Int] = []
        for length in 0...longest {
            firstOfLength.append(candidates.count)
            for (i, k) in keys.enumerated() where k.count == length { candidates.append(i) }
        }
        firstOfLength.append(candidates.count)
        self.bytes = bytes
        self.offsets = offsets
        self.candidates = candidates
        self.firstOfLength = firstOfLength
    }

    public var count: Int { offsets.count - 1 }

    /// Index of the first name equal to `name`.
    func firstIndex(of name: [UInt8]) -> Int? {
        (0..<count).first { bytes[offsets[$0] ..< offsets[$0 + 1]].elementsEqual(name) }
    }
}

extension JSONValue {
    /// The values of the members named in `set` (the first occurrence of each), in the set's
    /// order; `nil` where absent or when this is not an object.
    public func values(for set: JSONKeySet) -> [JSONValue?] {
        var result = [JSONValue?](repeating: nil, count: set.count)
        let n = node
        guard n.tag == Node.object else { return result }
        let storage = storage
        let nodes = storage.nodes
        let first = index + 1
        let stop = Int(n.next)
        let longest = set.firstOfLength.count - 2
        // All tables as raw buffers once, so the loop retains and releases nothing.
        result.withUnsafeMutableBufferPointer { out in
            storage.bytes.withUnsafeBufferPointer { input in
                set.bytes.withUnsafeBufferPointer { keyBytes in
                    set.offsets.withUnsafeBufferPointer { offsets in
                        set.candidates.withUnsafeBufferPointer { candidates in
                            set.firstOfLength.withUnsafeBufferPointer { firstOfLength in
                                guard let base = input.baseAddress else { return }
                                var k = first
                                while k < stop {
                                    let keyNode = nodes[k]
                                    if keyNode.flag {
                                        // A key with escapes: decode it (rare).
                                        if let name = JSONValue(storage: storage, index: k).string,
                                           let i = set.firstIndex(of: Array(name.utf8)), out[i] == nil {
                                            out[i] = JSONValue(storage: storage, index: k + 1)
                                        }
                                    } else {
                                        let start = Int(keyNode.start) + 1
                                        let length = Int(keyNode.end) - 1 - start
                                        if length <= longest {
                                            var c = firstOfLength[length]
                                            let end = firstOfLength[length + 1]
                                            while c < end {
                                                let i = candidates[c]
                                                c += 1
                                                guard out[i] == nil else { continue }
                                                let matched = keyBytes.baseAddress.map { bytesEqual(base + start, $0 + offsets[i], length) } ?? (length == 0)
                                                if matched {
                                                    out[i] = JSONValue(storage: storage, index: k + 1)
                                                    break
                                                }
                                            }
                                        }
                                    }
                                    k = Int(nodes[k + 1].next)
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
