/// One value of a parsed document, in document order ("tape").
///
/// Containers are followed by their subtree; `next` is the index just past that
/// subtree, so skipping a value is O(1). Object children alternate key (a string
/// node) and value. 16 bytes per node keeps the tape small and cache-friendly;
/// the price is that offsets are 32-bit (inputs must be < 4 GiB).
struct Node {
    /// Offset of the first byte (`{`, `[`, the opening `"`, the sign or digit, or the literal).
    var start: UInt32
    /// Offset just past the value (after the closing bracket or quote).
    var end: UInt32
    /// Index of the first node after this value's subtree.
    var next: UInt32
    /// Bits 0-2: `Tag`; bit 3: `flagBit` (strings: has escapes; numbers: has
    /// fraction or exponent); bits 8-31: member/element count, saturated.
    var meta: UInt32

    @inline(__always) var tag: UInt32 { meta & 7 }
    @inline(__always) var flag: Bool { meta & Node.flagBit != 0 }

    static let flagBit: UInt32 = 8
    static let countShift: UInt32 = 8
    /// A stored count of this value means "at least this many; count by walking".
    static let countSaturated: UInt32 = 0xFF_FFFF

    static let object: UInt32 = 0
    static let array: UInt32 = 1
    static let string: UInt32 = 2
    static let number: UInt32 = 3
    static let trueLiteral: UInt32 = 4
    static let falseLiteral: UInt32 = 5
    static let null: UInt32 = 6
}

/// Immutable storage shared by a document and all its `JSONValue` views.
///
/// `@unchecked Sendable`: after `init` nothing is ever mutated, and the node
/// buffer is owned exclusively by this object (freed in `deinit`).
final class JSONStorage: @unchecked Sendable {
    let bytes: [UInt8]
    let nodes: UnsafeMutablePointer<Node>
    let nodeCount: Int

    init(bytes: [UInt8], nodes: UnsafeMutablePointer<Node>, nodeCount: Int) {
        self.bytes = bytes
        self.nodes = nodes
        self.nodeCount = nodeCount
    }

    deinit {
        nodes.deallocate()
    }
}

/// Growable node buffer used while parsing. The parser either hands the buffer
/// to a `JSONStorage` or calls `release()` on failure.
struct TapeBuilder {
    var base: UnsafeMutablePointer<Node>
    var count: Int
    var capacity: Int

    init(estimatedNodes: Int) {
        capacity = max(16, estimatedNodes)
        base = UnsafeMutablePointer<Node>.allocate(capacity: capacity)
        count = 0
    }

    @inline(__always)
    mutating func append(start: Int, end: Int, meta: UInt32) {
        if count == capacity { grow() }
        (base + count).initialize(to: Node(start: UInt32(truncatingIfNeeded: start),
                                           end: UInt32(truncatingIfNeeded: end),
                                           next: UInt32(truncatingIfNeeded: count + 1),
                                           meta: meta))
        count += 1
    }

    @inline(never)
    mutating func grow() {
        let newCapacity = capacity * 2
        let newBase = UnsafeMutablePointer<Node>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    func release() {
        base.deallocate()
    }
}
