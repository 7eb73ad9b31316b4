/// Streaming-friendly writer producing UTF-8 JSON bytes.
///
/// The writer inserts commas, colons, newlines and indentation itself; callers
/// only say what to write. Pretty output uses `"key": value`, one member or
/// element per line and `{}` / `[]` for empty containers; compact output has
/// no whitespace. Several top-level values are separated by a newline (so
/// compact mode writes NDJSON).
///
/// Misuse (a value in an object without a key, a key outside an object,
/// unbalanced `end…` calls) is a programmer error: it asserts in debug builds
/// and is repaired in release builds so that the output stays valid JSON.
///
/// `JSONWriter` is a value type (copy-on-write); a copy continues independently.
public struct JSONWriter: Sendable {
    private var state: WriterState

    public init(pretty: Bool = true, indent: Int = 2) {
        state = WriterState(pretty: pretty, indentWidth: max(0, indent))
    }

    @inline(__always)
    private mutating func unique() -> WriterState {
        if !isKnownUniquelyReferenced(&state) { state = state.copy() }
        return state
    }

    /// Everything written so far (since the last `takeBytes()`). Copies the buffer.
    public var bytes: [UInt8] { state.snapshot() }

    /// Number of bytes written so far (since the last `takeBytes()`).
    public var byteCount: Int { state.count }

    /// Returns the bytes written so far and clears the buffer. Nesting and
    /// comma state are kept, so writing can continue where it left off.
    public mutating func takeBytes() -> [UInt8] {
        let s = unique()
        let out = s.snapshot()
        s.count = 0
        return out
    }

    /// Calls `body` with the bytes written so far (since the last `takeBytes()` or drain), in the
    /// writer's own buffer (no copy), then clears them. Nesting and comma state are kept. If `body`
    /// throws, the bytes stay in the buffer. The pointer is valid only during the call.
    public mutating func drainBytes<E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        let s = unique()
        try body(UnsafeRawBufferPointer(start: s.out, count: s.count))
        s.count = 0
    }

    /// Nesting depth of the containers currently open.
    public var depth: Int { state.depth }

    public mutating func reserveCapacity(_ n: Int) { unique().reserve(max(0, n)) }

    // MARK: Structure

    public mutating func beginObject() { unique().open(isObject: true) }
    public mutating func endObject() { unique().close(isObject: true) }
    public mutating func beginArray() { unique().open(isObject: false) }
    public mutating func endArray() { unique().close(isObject: false) }

    /// Writes a member name; the next call must write its value.
    public mutating func key(_ k: String) {
        let s = unique()
        withUTF8(k) { s.key($0, alreadyEscaped: false) }
    }

    /// Writes a member name escaped once in advance (see `JSONKey`); the next call must write its value.
    /// Writers with fixed member names use it to skip per-call escaping and String access.
    public mutating func key(_ k: JSONKey) {
        let s = unique()
        k.escaped.withUnsafeBufferPointer { s.key($0, alreadyEscaped: true) }
    }

    // MARK: Scalars

    public mutating func string(_ value: String) {
        let s = unique()
        s.beforeValue()
        withUTF8(value) { s.putQuoted($0) }
    }

    /// Writes a string given as UTF-8 bytes (escaped like `string(_:)`), for callers that format
    /// into a buffer and need no `String`. The bytes must be valid UTF-8; they are not checked.
    public mutating func string(utf8 value: UnsafeBufferPointer<UInt8>) {
        let s = unique()
        s.beforeValue()
        s.putQuoted(value)
    }

    /// Shortest text that reads back as the same Double; integral values have
    /// no ".0" (`15`, `1234567`), exponents are written as `1e-7` / `1e21`.
    /// NaN and infinities are a programmer error: asserts in debug, writes `null`.
    public mutating func number(_ d: Double) {
        let s = unique()
        guard d.isFinite else {
            assertionFailure("JSONWriter.number: \(d) cannot be written as JSON")
            s.beforeValue()
            s.putASCII("null")
            return
        }
        s.beforeValue()
        s.putDouble(d)
    }

    public mutating func number(_ i: Int) {
        let s = unique()
        s.beforeValue()
        s.putInt(i)
    }

    /// Writes a number token as-is (e.g. a FHIR decimal `"4.10"` read with
    /// `numberText`). The token must be a valid JSON number; anything else is a
    /// programmer error: asserts in debug, writes `null` in release.
    public mutating func rawNumber(_ text: String) {
        let s = unique()
        var text = text
        text.withUTF8 { token in
            s.beforeValue()
            if isValidNumberToken(token) {
                s.put(token)
            } else {
                assertionFailure("JSONWriter.rawNumber: not a JSON number token")
                s.putASCII("null")
            }
        }
    }

    public mutating func bool(_ b: Bool) {
        let s = unique()
        s.beforeValue()
        s.putASCII(b ? "true" : "false")
    }

    public mutating func null() {
        let s = unique()
        s.beforeValue()
        s.putASCII("null")
    }

    /// Re-serialises a parsed value (and its whole subtree) in this writer's
    /// style. Strings and numbers are copied exactly as they were written in
    /// the input (escapes and number text are kept).
    public mutating func raw(_ json: JSONValue) {
        unique().raw(json)
    }

    /// Like `raw(_:)`, for a value whose source text is compact (no whitespace between tokens), such
    /// as a fragment written once by a compact `JSONWriter` and parsed back: a compact writer copies
    /// the text in one piece instead of token by token; a pretty writer re-serialises it as `raw` does.
    /// (If the source is not compact after all, the output keeps its whitespace: still valid JSON.)
    public mutating func raw(compactSource json: JSONValue) {
        let s = unique()
        if s.pretty {
            s.raw(json)
            return
        }
        let n = json.node
        json.storage.bytes.withUnsafeBufferPointer { bytes in
            s.beforeValue()
            s.put(UnsafeBufferPointer(rebasing: bytes[Int(n.start) ..< Int(n.end)]))
        }
    }

    // MARK: Conveniences

    public mutating func field(_ k: String, _ s: String) { key(k); string(s) }
    public mutating func field(_ k: String, _ d: Double) { key(k); number(d) }
    public mutating func field(_ k: String, _ i: Int) { key(k); number(i) }
    public mutating func field(_ k: String, _ b: Bool) { key(k); bool(b) }
    public mutating func field(_ k: String, _ v: JSONValue) { key(k); raw(v) }
    public mutating func rawNumberField(_ k: String, _ text: String) { key(k); rawNumber(text) }
    public mutating func nullField(_ k: String) { key(k); null() }
}

/// A member name escaped once, for writers that use the same names for every record
/// (`static let` constants): `JSONWriter.key(_: JSONKey)` copies it without scanning it again.
public struct JSONKey: Sendable, Hashable {
    /// The name as JSON string content: escaped, without the surrounding quotes.
    let escaped: [UInt8]
    /// The member name as given.
    public let name: String

    public init(_ name: String) {
        self.name = name
        var json = JSONWriter(pretty: false)
        json.string(name)
        let quoted = json.bytes  // `"…"`: always at least the two quotes
        escaped = Array(quoted.dropFirst().dropLast())
    }
}

/// Runs `body` on the string's UTF-8 bytes without copying native strings.
@inline(__always)
private func withUTF8(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    if s.utf8.withContiguousStorageIfAvailable(body) == nil {
        var copy = s
        copy.withUTF8(body)
    }
}

/// The writer's mutable state. Only ever mutated through a uniquely referenced
/// `JSONWriter` (copy-on-write), which makes the `@unchecked Sendable` sound.
private final class WriterState: @unchecked Sendable {
    var out: UnsafeMutablePointer<UInt8>
    var count = 0
    var capacity: Int
    /// One entry per open container: bit 0 = object, bit 1 = has members.
    var frames: UnsafeMutablePointer<UInt8>
    var depth = 0
    var frameCapacity: Int
    /// A key was written and its value is due.
    var valueDue = false
    var wroteTopLevel = false
    let pretty: Bool
    let indentWidth: Int

    static let isObjectBit: UInt8 = 1
    static let hasMembersBit: UInt8 = 2

    init(pretty: Bool, indentWidth: Int, capacity: Int = 1024, frameCapacity: Int = 16) {
        self.pretty = pretty
        self.indentWidth = indentWidth
        self.capacity = capacity
        self.frameCapacity = frameCapacity
        out = .allocate(capacity: capacity)
        frames = .allocate(capacity: frameCapacity)
    }

    deinit {
        out.deallocate()
        frames.deallocate()
    }

    func copy() -> WriterState {
        let c = WriterState(pretty: pretty, indentWidth: indentWidth,
                            capacity: max(capacity, 16), frameCapacity: max(frameCapacity, 16))
        c.out.update(from: out, count: count)
        c.count = count
        c.frames.update(from: frames, count: depth)
        c.depth = depth
        c.valueDue = valueDue
        c.wroteTopLevel = wroteTopLevel
        return c
    }

    func snapshot() -> [UInt8] {
        Array(UnsafeBufferPointer(start: out, count: count))
    }

    // MARK: Raw output

    /// Ensures room for `n` more bytes.
    @inline(__always)
    func reserve(_ n: Int) {
        if count &+ n > capacity { grow(to: count + n) }
    }

    @inline(never)
    func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newOut = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newOut.update(from: out, count: count)
        out.deallocate()
        out = newOut
        capacity = newCapacity
    }

    @inline(__always)
    func put(_ b: UInt8) {
        reserve(1)
        out[count] = b
        count &+= 1
    }

    @inline(__always)
    func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (out + count).update(from: base, count: bytes.count)
        count &+= bytes.count
    }

    @inline(__always)
    func putASCII(_ s: StaticString) {
        put(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always)
    func newline(indentLevel: Int) {
        let spaces = indentLevel &* indentWidth
        reserve(1 &+ spaces)
        out[count] = 0x0A
        (out + (count &+ 1)).initialize(repeating: 0x20, count: spaces)
        count &+= 1 &+ spaces
    }

    // MARK: Structure

    /// Separator and indentation before a value (or before a container opens).
    @inline(__always)
    func beforeValue() {
        if valueDue {
            valueDue = false
            return
        }
        if depth == 0 {
            if wroteTopLevel { put(0x0A) }
            wroteTopLevel = true
            return
        }
        if frames[depth - 1] & Self.isObjectBit != 0 {
            assertionFailure("JSONWriter: a value inside an object needs a key first")
            key(UnsafeBufferPointer(start: nil, count: 0), alreadyEscaped: true)
            valueDue = false
            return
        }
        startEntry()
    }

    /// Comma, newline and indentation for a new member/element of the innermost container.
    @inline(__always)
    func startEntry() {
        let top = depth - 1
        if frames[top] & Self.hasMembersBit != 0 {
            put(UInt8(ascii: ","))
        } else {
            frames[top] |= Self.hasMembersBit
        }
        if pretty { newline(indentLevel: depth) }
    }

    func open(isObject: Bool) {
        beforeValue()
        put(isObject ? UInt8(ascii: "{") : UInt8(ascii: "["))
        if depth == frameCapacity {
            let newFrames = UnsafeMutablePointer<UInt8>.allocate(capacity: frameCapacity * 2)
            newFrames.update(from: frames, count: depth)
            frames.deallocate()
            frames = newFrames
            frameCapacity *= 2
        }
        frames[depth] = isObject ? Self.isObjectBit : 0
        depth += 1
    }

    func close(isObject: Bool) {
        if valueDue {
            assertionFailure("JSONWriter: a key has no value")
            valueDue = false
            putASCII("null")
        }
        guard depth > 0, (frames[depth - 1] & Self.isObjectBit != 0) == isObject else {
            assertionFailure("JSONWriter: unbalanced end\(isObject ? "Object" : "Array")()")
            return
        }
        depth -= 1
        if pretty && frames[depth] & Self.hasMembersBit != 0 {
            newline(indentLevel: depth)
        }
        put(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
    }

    func key(_ k: UnsafeBufferPointer<UInt8>, alreadyEscaped: Bool) {
        if valueDue {
            assertionFailure("JSONWriter.key: the previous key has no value")
            valueDue = false
            putASCII("null")
        }
        guard depth > 0, frames[depth - 1] & Self.isObjectBit != 0 else {
            assertionFailure("JSONWriter.key: only valid inside an object")
            return
        }
        startEntry()
        if alreadyEscaped {
            put(UInt8(ascii: "\""))
            put(k)
            put(UInt8(ascii: "\""))
        } else {
            putQuoted(k)
        }
        if pretty {
            reserve(2)
            out[count] = UInt8(ascii: ":")
            out[count &+ 1] = 0x20
            count &+= 2
        } else {
            put(UInt8(ascii: ":"))
        }
        valueDue = true
    }

    // MARK: Values

    /// Bit 7 of each byte is set for bytes that need escaping: `"`, `\`, < 0x20.
    /// The lowest set bit is exact (borrows only propagate upwards from a hit).
    @inline(__always)
    static func needsEscape(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let q = w ^ (ones &* 0x22)
        let s = w ^ (ones &* 0x5C)
        let quotes = (q &- ones) & ~q
        let slashes = (s &- ones) & ~s
        let controls = (w &- ones &* 0x20) & ~w
        return (quotes | slashes | controls) & high
    }

    /// Appends `"…"` escaping `"`, `\` and bytes < 0x20; everything else
    /// (including non-ASCII UTF-8) is copied.
    func putQuoted(_ s: UnsafeBufferPointer<UInt8>) {
        let n = s.count
        reserve(n &+ 2)
        out[count] = UInt8(ascii: "\"")
        count &+= 1
        guard let p = s.baseAddress else {
            put(UInt8(ascii: "\""))
            return
        }
        var runStart = 0
        var i = 0
        while true {
            while i &+ 8 <= n {
                let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                let m = Self.needsEscape(w)
                if m != 0 {
                    i &+= m.trailingZeroBitCount >> 3
                    break
                }
                i &+= 8
            }
            while i < n {
                let b = p[i]
                if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { break }
                i &+= 1
            }
            guard i < n else { break }
            // Copy the clean run, then the escape for p[i].
            put(UnsafeBufferPointer(start: p + runStart, count: i - runStart))
            putEscape(p[i])
            i &+= 1
            runStart = i
        }
        put(UnsafeBufferPointer(start: p + runStart, count: n - runStart))
        put(UInt8(ascii: "\""))
    }

    func putEscape(_ b: UInt8) {
        reserve(6)
        out[count] = UInt8(ascii: "\\")
        let short: UInt8
        switch b {
        case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        case 0x08: short = UInt8(ascii: "b")
        case 0x0C: short = UInt8(ascii: "f")
        default:
            out[count &+ 1] = UInt8(ascii: "u")
            out[count &+ 2] = UInt8(ascii: "0")
            out[count &+ 3] = UInt8(ascii: "0")
            out[count &+ 4] = hexDigit(b >> 4)
            out[count &+ 5] = hexDigit(b & 0xF)
            count &+= 6
            return
        }
        out[count &+ 1] = short
        count &+= 2
    }

    func putInt(_ i: Int) {
        reserve(20)
        var magnitude = i.magnitude
        var digits = 0
        var probe = magnitude
        repeat {
            digits &+= 1
            probe /= 10
        } while probe > 0
        if i < 0 {
            out[count] = UInt8(ascii: "-")
            count &+= 1
        }
        var at = count &+ digits
        count = at
        repeat {
            at &-= 1
            out[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
    }

    func putDouble(_ d: Double) {
        if d == d.rounded(.towardZero) && abs(d) < 9_007_199_254_740_992 {
            if d == 0 && d.sign == .minus {
                putASCII("-0")
            } else {
                putInt(Int(d))
            }
            return
        }
        // Swift's `description` is the shortest round-trip text; reshape it to
        // JSON conventions: drop a trailing ".0", write exponents as e-7 / e21.
        var text = d.description
        text.withUTF8 { s in
            let end = s.count
            var exponentAt = end
            for k in 0 ..< end where s[k] == UInt8(ascii: "e") || s[k] == UInt8(ascii: "E") {
                exponentAt = k
                break
            }
            var mantissaEnd = exponentAt
            if mantissaEnd >= 2 && s[mantissaEnd - 1] == UInt8(ascii: "0") && s[mantissaEnd - 2] == UInt8(ascii: ".") {
                mantissaEnd -= 2
            }
            put(UnsafeBufferPointer(rebasing: s[0 ..< mantissaEnd]))
            guard exponentAt < end else { return }
            put(UInt8(ascii: "e"))
            var k = exponentAt + 1
            if k < end && s[k] == UInt8(ascii: "-") {
                put(UInt8(ascii: "-"))
                k += 1
            } else if k < end && s[k] == UInt8(ascii: "+") {
                k += 1
            }
            while k < end - 1 && s[k] == UInt8(ascii: "0") { k += 1 }
            put(UnsafeBufferPointer(rebasing: s[k ..< end]))
        }
    }

    /// Iterative walk over the value's tape; keys, strings and numbers are
    /// copied from the input verbatim (they were validated by the parser).
    func raw(_ json: JSONValue) {
        let storage = json.storage
        let nodes = storage.nodes
        let stop = Int(nodes[json.index].next)
        storage.bytes.withUnsafeBufferPointer { input in
            guard let base = input.baseAddress else { return }
            // Indices just past each open container's subtree, innermost last.
            var closeAt: [Int] = []
            var keyDue = false
            var i = json.index
            while i < stop {
                while let next = closeAt.last, next == i {
                    closeAt.removeLast()
                    close(isObject: frames[depth - 1] & Self.isObjectBit != 0)
                    keyDue = depth > 0 && !closeAt.isEmpty && frames[depth - 1] & Self.isObjectBit != 0
                }
                let n = nodes[i]
                let start = Int(n.start)
                let length = Int(n.end) - start
                if keyDue {
                    key(UnsafeBufferPointer(start: base + start + 1, count: length - 2), alreadyEscaped: true)
                    keyDue = false
                    i += 1
                    continue
                }
                let parentIsObject = !closeAt.isEmpty && frames[depth - 1] & Self.isObjectBit != 0
                switch n.tag {
                case Node.object:
                    open(isObject: true)
                    closeAt.append(Int(n.next))
                    keyDue = true
                case Node.array:
                    open(isObject: false)
                    closeAt.append(Int(n.next))
                    keyDue = false
                default:
                    // Strings, numbers and literals: the input text is valid output.
                    beforeValue()
                    put(UnsafeBufferPointer(start: base + start, count: length))
                    keyDue = parentIsObject
                }
                i += 1
            }
            while !closeAt.isEmpty {
                closeAt.removeLast()
                close(isObject: frames[depth - 1] & Self.isObjectBit != 0)
            }
        }
    }
}

@inline(__always)
private func hexDigit(_ v: UInt8) -> UInt8 {
    v < 10 ? UInt8(ascii: "0") &+ v : UInt8(ascii: "a") &+ (v &- 10)
}

/// RFC 8259 number grammar check for a complete token.
func isValidNumberToken(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    let n = s.count
    func digit(_ k: Int) -> Bool { k < n && s[k] &- UInt8(ascii: "0") < 10 }
    if i < n && s[i] == UInt8(ascii: "-") { i += 1 }
    if i < n && s[i] == UInt8(ascii: "0") {
        i += 1
    } else if digit(i) {
        while digit(i) { i += 1 }
    } else {
        return false
    }
    if i < n && s[i] == UInt8(ascii: ".") {
        i += 1
        guard digit(i) else { return false }
        while digit(i) { i += 1 }
    }
    if i < n && (s[i] | 0x20) == UInt8(ascii: "e") {
        i += 1
        if i < n && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) { i += 1 }
        guard digit(i) else { return false }
        while digit(i) { i += 1 }
    }
    return i == n
}
