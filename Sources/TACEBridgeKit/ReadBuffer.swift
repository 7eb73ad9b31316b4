/// The unconsumed bytes of a file being read in chunks (NDJSON): read(2) fills its free space
/// directly, consumed bytes are dropped by moving the (short) unconsumed rest to the front before the
/// next read, so no chunk is copied after it was read.
struct ReadBuffer: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0

    /// A buffer holding a copy of `initial` (the bytes read to detect the format).
    init(_ initial: [UInt8], capacity: Int) {
        self.capacity = max(capacity, initial.count, 16)
        base = .allocateAligned(byteCount: self.capacity)
        initial.withUnsafeBytes { raw in
            if let source = raw.baseAddress { base.copyMemory(from: source, byteCount: raw.count) }
        }
        end = initial.count
    }

    deinit { base.deallocate() }

    /// Number of unconsumed bytes.
    var count: Int { end - start }

    /// The unconsumed bytes; valid until the next mutating call.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + start, count: end - start) }

    /// Drops the first `n` unconsumed bytes.
    mutating func consume(_ n: Int) {
        start = min(start + max(n, 0), end)
        if start == end { start = 0; end = 0 }
    }

    /// Reads up to `count` bytes from `file` after the unconsumed ones; returns how many (0 at end of file).
    mutating func fill(from file: borrowing InputFile, count: Int) throws(TACEBridgeError) -> Int {
        reserve(count)
        let n = try file.read(into: base + end, count: count)
        end += n
        return n
    }

    /// Appends one byte (a newline after a last line without one).
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: end, as: UInt8.self)
        end += 1
    }

    /// Room for `n` more bytes after the unconsumed ones, moving them to the front first.
    private mutating func reserve(_ n: Int) {
        if start > 0 {
            if end > start { base.copyMemory(from: base + start, byteCount: end - start) }
            end -= start
            start = 0
        }
        if end + n > capacity {
            var newCapacity = capacity * 2
            while newCapacity < end + n { newCapacity *= 2 }
            let grown = UnsafeMutableRawPointer.allocateAligned(byteCount: newCapacity)
            grown.copyMemory(from: base, byteCount: end)
            base.deallocate()
            base = grown
            capacity = newCapacity
        }
    }
}

private extension UnsafeMutableRawPointer {
    static func allocateAligned(byteCount: Int) -> UnsafeMutableRawPointer {
        .allocate(byteCount: byteCount, alignment: 16)
    }
}
