public enum JSONKind: Sendable, Equatable {
    case object, array, string, number, bool, null
}

/// A cheap view of one value in a `JSONDocument` (a storage reference and a
/// node index). Copying it never copies the document. It keeps the document's
/// storage alive.
public struct JSONValue: Sendable {
    let storage: JSONStorage
    let index: Int

    init(storage: JSONStorage, index: Int) {
        self.storage = storage
        self.index = index
    }

    @inline(__always) var node: Node { storage.nodes[index] }

    public var kind: JSONKind {
        switch node.tag {
        case Node.object: return .object
        case Node.array: return .array
        case Node.string: return .string
        case Node.number: return .number
        case Node.trueLiteral, Node.falseLiteral: return .bool
        default: return .null
        }
    }

    /// Offset of the value's first byte in the input (for error positions).
    public var byteOffset: Int { Int(node.start) }

    /// The value's bytes in the input, `byteOffset ..< byteEndOffset`.
    public var byteEndOffset: Int { Int(node.end) }

    /// Number of members (objects) or elements (arrays); 0 for scalars.
    public var count: Int {
        let n = node
        guard n.tag == Node.object || n.tag == Node.array else { return 0 }
        let stored = n.meta >> Node.countShift
        if stored < Node.countSaturated { return Int(stored) }
        var total = 0
        var child = index + 1
        let stop = Int(n.next)
        let isObject = n.tag == Node.object
        while child < stop {
            total += 1
            child = isObject ? Int(storage.nodes[child + 1].next) : Int(storage.nodes[child].next)
        }
        return total
    }

    // MARK: Containers

    /// The value of the first member named `key`; nil if this is not an object
    /// or has no such member. Compares bytes (unescaping keys that contain
    /// escapes), allocating nothing for the common escape-free key.
    public subscript(key: String) -> JSONValue? {
        let n = node
        guard n.tag == Node.object else { return nil }
        var key = key
        return key.withUTF8 { target -> JSONValue? in
            let nodes = storage.nodes
            var k = index + 1
            let stop = Int(n.next)
            return storage.bytes.withUnsafeBufferPointer { bytes -> JSONValue? in
                while k < stop {
                    if stringNode(nodes[k], in: bytes, equals: target) {
                        return JSONValue(storage: storage, index: k + 1)
                    }
                    k = Int(nodes[k + 1].next)
                }
                return nil
            }
        }
    }

    /// The element at `index`; nil if this is not an array or out of range. O(index).
    public subscript(index: Int) -> JSONValue? {
        let n = node
        guard n.tag == Node.array, index >= 0 else { return nil }
        var child = self.index + 1
        let stop = Int(n.next)
        var remaining = index
        while child < stop {
            if remaining == 0 { return JSONValue(storage: storage, index: child) }
            remaining -= 1
            child = Int(storage.nodes[child].next)
        }
        return nil
    }

    /// Array elements in order; empty if this is not an array.
    public var elements: JSONElements {
        let n = node
        guard n.tag == Node.array else { return JSONElements(storage: storage, first: 0, stop: 0, count: 0) }
        return JSONElements(storage: storage, first: index + 1, stop: Int(n.next), count: count)
    }

    /// Object members in order with decoded keys; empty if this is not an object.
    /// Duplicate keys are all listed.
    public var members: JSONMembers {
        JSONMembers(base: memberNodes)
    }

    /// Object members in order with the key as a string `JSONValue`, so keys can
    /// be compared with `stringEquals` without allocating.
    public var memberNodes: JSONMemberNodes {
        let n = node
        guard n.tag == Node.object else { return JSONMemberNodes(storage: storage, first: 0, stop: 0, count: 0) }
        return JSONMemberNodes(storage: storage, first: index + 1, stop: Int(n.next), count: count)
    }

    // MARK: Scalars

    /// The decoded string (escapes and surrogate pairs resolved) if this is a string.
    public var string: String? {
        let n = node
        guard n.tag == Node.string else { return nil }
        return storage.bytes.withUnsafeBufferPointer { bytes in
            decodeString(n, in: bytes)
        }
    }

    /// Calls `body` with the decoded string's UTF-8 bytes if this is a string (nil otherwise): the
    /// input bytes themselves when the string has no escapes, so looking a string up makes no copy.
    public func withStringBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let n = node
        guard n.tag == Node.string else { return nil }
        guard !n.flag else {
            var decoded = string ?? ""
            return decoded.withUTF8(body)
        }
        return storage.bytes.withUnsafeBufferPointer { bytes in
            body(UnsafeBufferPointer(rebasing: bytes[(Int(n.start) + 1)..<(Int(n.end) - 1)]))
        }
    }

    /// True iff this is a string whose decoded value equals `s`.
    public func stringEquals(_ s: String) -> Bool {
        let n = node
        guard n.tag == Node.string else { return false }
        var s = s
        return s.withUTF8 { target in
            storage.bytes.withUnsafeBufferPointer { bytes in
                stringNode(n, in: bytes, equals: target)
            }
        }
    }

    /// True iff this is a string whose decoded value starts with `prefix` (no allocation for escape-free strings).
    public func stringHasPrefix(_ prefix: String) -> Bool {
        let n = node
        guard n.tag == Node.string else { return false }
        if n.flag { return string?.hasPrefix(prefix) ?? false }
        var prefix = prefix
        return prefix.withUTF8 { target in
            storage.bytes.withUnsafeBufferPointer { bytes in
                let start = Int(n.start) + 1
                let rawLength = Int(n.end) - 1 - start
                guard target.count <= rawLength else { return false }
                guard let source = bytes.baseAddress, let other = target.baseAddress else { return target.isEmpty }
                return bytesEqual(source + start, other, target.count)
            }
        }
    }

    /// The number as the nearest Double; nil if not a number or if it overflows
    /// to infinity (e.g. `1e400`). Underflow gives 0.
    public var double: Double? {
        let n = node
        guard n.tag == Node.number else { return nil }
        return storage.bytes.withUnsafeBufferPointer { bytes in
            parseDouble(UnsafeBufferPointer(rebasing: bytes[Int(n.start) ..< Int(n.end)]))
        }
    }

    /// The number if it is an exact integer within `Int` range (`3`, `3.0`,
    /// `3e2`, `30e-1` all qualify; `3.5`, `1e-1`, `1e30` do not).
    public var int: Int? {
        let n = node
        guard n.tag == Node.number else { return nil }
        return storage.bytes.withUnsafeBufferPointer { bytes in
            parseExactInt(UnsafeBufferPointer(rebasing: bytes[Int(n.start) ..< Int(n.end)]))
        }
    }

    /// The number token exactly as written (e.g. `"4.10"`), if this is a number.
    public var numberText: String? {
        let n = node
        guard n.tag == Node.number else { return nil }
        return storage.bytes.withUnsafeBufferPointer { bytes in
            String(decoding: bytes[Int(n.start) ..< Int(n.end)], as: UTF8.self)
        }
    }

    public var bool: Bool? {
        switch node.tag {
        case Node.trueLiteral: return true
        case Node.falseLiteral: return false
        default: return nil
        }
    }

    public var isNull: Bool { node.tag == Node.null }
}

// MARK: - Collections

/// Position of a child in `JSONElements`, `JSONMembers` or `JSONMemberNodes`
/// (a node index; only meaningful for the collection it came from).
public struct JSONChildIndex: Comparable, Hashable, Sendable {
    let node: Int
    public static func < (a: JSONChildIndex, b: JSONChildIndex) -> Bool { a.node < b.node }
}

/// Array elements in order. Forward-only: `index(after:)` is O(1), `count` is O(1).
public struct JSONElements: Collection, Sendable {
    let storage: JSONStorage
    let first: Int
    let stop: Int
    public let count: Int

    public var startIndex: JSONChildIndex { JSONChildIndex(node: first) }
    public var endIndex: JSONChildIndex { JSONChildIndex(node: stop) }
    public var isEmpty: Bool { first >= stop }
    public var underestimatedCount: Int { count }

    public func index(after i: JSONChildIndex) -> JSONChildIndex {
        precondition(i.node >= first && i.node < stop, "JSONElements index out of range")
        return JSONChildIndex(node: Int(storage.nodes[i.node].next))
    }

    public subscript(position: JSONChildIndex) -> JSONValue {
        precondition(position.node >= first && position.node < stop, "JSONElements index out of range")
        return JSONValue(storage: storage, index: position.node)
    }
}

/// Object members in order, with keys as (string) `JSONValue`s so they can be
/// compared with `stringEquals` without allocating.
public struct JSONMemberNodes: Collection, Sendable {
    let storage: JSONStorage
    let first: Int
    let stop: Int
    public let count: Int

    public var startIndex: JSONChildIndex { JSONChildIndex(node: first) }
    public var endIndex: JSONChildIndex { JSONChildIndex(node: stop) }
    public var isEmpty: Bool { first >= stop }
    public var underestimatedCount: Int { count }

    public func index(after i: JSONChildIndex) -> JSONChildIndex {
        precondition(i.node >= first && i.node < stop, "JSONMemberNodes index out of range")
        return JSONChildIndex(node: Int(storage.nodes[i.node + 1].next))
    }

    public subscript(position: JSONChildIndex) -> (key: JSONValue, value: JSONValue) {
        precondition(position.node >= first && position.node < stop, "JSONMemberNodes index out of range")
        return (JSONValue(storage: storage, index: position.node), JSONValue(storage: storage, index: position.node + 1))
    }
}

/// Object members in order, with decoded keys. Duplicate keys are all listed.
public struct JSONMembers: Collection, Sendable {
    let base: JSONMemberNodes

    public var count: Int { base.count }
    public var startIndex: JSONChildIndex { base.startIndex }
    public var endIndex: JSONChildIndex { base.endIndex }
    public var isEmpty: Bool { base.isEmpty }
    public var underestimatedCount: Int { base.count }

    public func index(after i: JSONChildIndex) -> JSONChildIndex { base.index(after: i) }

    public subscript(position: JSONChildIndex) -> (key: String, value: JSONValue) {
        let (key, value) = base[position]
        return (key.string ?? "", value)
    }
}

// MARK: - String decoding

/// Compares the decoded content of a string node with `target` (UTF-8).
func stringNode(_ n: Node, in bytes: UnsafeBufferPointer<UInt8>, equals target: UnsafeBufferPointer<UInt8>) -> Bool {
    let start = Int(n.start) + 1
    let rawLength = Int(n.end) - 1 - start
    if !n.flag {
        guard rawLength == target.count else { return false }
        guard let source = bytes.baseAddress, let other = target.baseAddress else { return rawLength == 0 }
        return bytesEqual(source + start, other, rawLength)
    }
    // Escapes only ever shrink the text, so a longer target can't match.
    guard target.count <= rawLength, let source = bytes.baseAddress else { return false }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(rawLength, 1)) { scratch -> Bool in
        guard let out = scratch.baseAddress else { return false }
        let length = unescape(source + start, rawLength, into: out)
        guard length == target.count, let other = target.baseAddress else { return length == target.count }
        return bytesEqual(out, other, length)
    }
}

@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i &+ 8 <= count {
        let x = UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
        let y = UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
        if x != y { return false }
        i &+= 8
    }
    while i < count {
        if a[i] != b[i] { return false }
        i &+= 1
    }
    return true
}

func decodeString(_ n: Node, in bytes: UnsafeBufferPointer<UInt8>) -> String {
    let start = Int(n.start) + 1
    let rawLength = Int(n.end) - 1 - start
    guard rawLength > 0, let source = bytes.baseAddress else { return "" }
    if !n.flag {
        return String(decoding: UnsafeBufferPointer(start: source + start, count: rawLength), as: UTF8.self)
    }
    return String(unsafeUninitializedCapacity: rawLength) { buffer in
        guard let out = buffer.baseAddress else { return 0 }
        return unescape(source + start, rawLength, into: out)
    }
}

/// Decodes validated string content (escapes included) into UTF-8.
/// `out` must have room for `count` bytes; returns the number written.
func unescape(_ p: UnsafePointer<UInt8>, _ count: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
    var i = 0
    var o = 0
    while i < count {
        let b = p[i]
        if b != UInt8(ascii: "\\") {
            out[o] = b
            o += 1
            i += 1
            continue
        }
        guard i + 1 < count else { break }
        let e = p[i + 1]
        i += 2
        let simple: UInt8
        switch e {
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            guard var scalar = hex4(p, i, count) else { return o }
            i += 4
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                // Validated: a low-surrogate escape follows.
                guard i + 6 <= count, let low = hex4(p, i + 2, count) else { return o }
                i += 6
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            o += encodeUTF8(scalar, into: out + o)
            continue
        default: simple = e  // \" \\ \/
        }
        out[o] = simple
        o += 1
    }
    return o
}

@inline(__always)
private func hex4(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> UInt32? {
    guard at + 4 <= count else { return nil }
    var value: UInt32 = 0
    for k in at ..< at + 4 {
        guard let digit = hexValue(p[k]) else { return nil }
        value = value << 4 | digit
    }
    return value
}

@inline(__always)
func encodeUTF8(_ scalar: UInt32, into out: UnsafeMutablePointer<UInt8>) -> Int {
    switch scalar {
    case 0 ..< 0x80:
        out[0] = UInt8(truncatingIfNeeded: scalar)
        return 1
    case 0x80 ..< 0x800:
        out[0] = UInt8(truncatingIfNeeded: 0xC0 | (scalar >> 6))
        out[1] = UInt8(truncatingIfNeeded: 0x80 | (scalar & 0x3F))
        return 2
    case 0x800 ..< 0x10000:
        out[0] = UInt8(truncatingIfNeeded: 0xE0 | (scalar >> 12))
        out[1] = UInt8(truncatingIfNeeded: 0x80 | ((scalar >> 6) & 0x3F))
        out[2] = UInt8(truncatingIfNeeded: 0x80 | (scalar & 0x3F))
        return 3
    default:
        out[0] = UInt8(truncatingIfNeeded: 0xF0 | (scalar >> 18))
        out[1] = UInt8(truncatingIfNeeded: 0x80 | ((scalar >> 12) & 0x3F))
        out[2] = UInt8(truncatingIfNeeded: 0x80 | ((scalar >> 6) & 0x3F))
        out[3] = UInt8(truncatingIfNeeded: 0x80 | (scalar & 0x3F))
        return 4
    }
}
