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
public struct JSONWriter: Sendable {
    private var buffer: [UInt8] = []
    private let pretty: Bool
    private let indentWidth: Int
    /// One entry per open container: bit 0 = object, bit 1 = has members.
    private var frames: [UInt8] = []
    /// A key was written and its value is due.
    private var valueDue = false
    private var wroteTopLevel = false

    private static let isObjectBit: UInt8 = 1
    private static let hasMembersBit: UInt8 = 2

    public init(pretty: Bool = true, indent: Int = 2) {
        self.pretty = pretty
        self.indentWidth = max(0, indent)
        buffer.reserveCapacity(4096)
    }

    /// Everything written so far (since the last `takeBytes()`).
    public var bytes: [UInt8] { buffer }

    /// Returns the bytes written so far and clears the buffer. Nesting and
    /// comma state are kept, so writing can continue where it left off.
    public mutating func takeBytes() -> [UInt8] {
        let out = buffer
        buffer = []
        buffer.reserveCapacity(max(out.count, 4096))
        return out
    }

    /// Nesting depth of the containers currently open.
    public var depth: Int { frames.count }

    public mutating func reserveCapacity(_ n: Int) { buffer.reserveCapacity(n) }

    // MARK: Structure

    public mutating func beginObject() {
        beforeValue()
        buffer.append(UInt8(ascii: "{"))
        frames.append(Self.isObjectBit)
    }

    public mutating func endObject() {
        close(isObject: true, bracket: UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        beforeValue()
        buffer.append(UInt8(ascii: "["))
        frames.append(0)
    }

    public mutating func endArray() {
        close(isObject: false, bracket: UInt8(ascii: "]"))
    }

    /// Writes a member name; the next call must write its value.
    public mutating func key(_ k: String) {
        var k = k
        k.withUTF8 { keyBytes($0, escaped: false) }
    }

    // MARK: Scalars

    public mutating func string(_ s: String) {
        beforeValue()
        var s = s
        s.withUTF8 { appendQuoted($0) }
    }

    /// Shortest text that reads back as the same Double; integral values have
    /// no ".0" (`15`, `1234567`), exponents are written as `1e-7` / `1e21`.
    /// NaN and infinities are a programmer error: asserts in debug, writes `null`.
    public mutating func number(_ d: Double) {
        guard d.isFinite else {
            assertionFailure("JSONWriter.number: \(d) cannot be written as JSON")
            null()
            return
        }
        if d == d.rounded(.towardZero) && abs(d) < 9_007_199_254_740_992 {
            if d == 0 && d.sign == .minus {
                beforeValue()
                buffer.append(UInt8(ascii: "-"))
                buffer.append(UInt8(ascii: "0"))
                return
            }
            number(Int(d))
            return
        }
        beforeValue()
        appendShortest(d)
    }

    public mutating func number(_ i: Int) {
        beforeValue()
        appendInt(i)
    }

    /// Writes a number token as-is (e.g. a FHIR decimal `"4.10"` read with
    /// `numberText`). The token must be a valid JSON number; anything else is a
    /// programmer error: asserts in debug, writes `null` in release.
    public mutating func rawNumber(_ text: String) {
        var text = text
        let valid = text.withUTF8 { isValidNumberToken($0) }
        guard valid else {
            assertionFailure("JSONWriter.rawNumber: not a JSON number token")
            null()
            return
        }
        beforeValue()
        text.withUTF8 { buffer.append(contentsOf: $0) }
    }

    public mutating func bool(_ b: Bool) {
        beforeValue()
        if b {
            appendASCII("true")
        } else {
            appendASCII("false")
        }
    }

    public mutating func null() {
        beforeValue()
        appendASCII("null")
    }

    /// Re-serialises a parsed value (and its whole subtree) in this writer's
    /// style. Strings and numbers are copied exactly as they were written in
    /// the input (escapes and number text are kept).
    public mutating func raw(_ json: JSONValue) {
        let storage = json.storage
        let nodes = storage.nodes
        let stop = Int(nodes[json.index].next)
        storage.bytes.withUnsafeBufferPointer { input in
            // Per open container: index of the node after its subtree, and
            // whether the next node in it is a key.
            var open: [(next: Int, isObject: Bool)] = []
            var keyDue = false
            var i = json.index
            while i < stop {
                while let top = open.last, top.next == i {
                    open.removeLast()
                    if top.isObject { endObject() } else { endArray() }
                    keyDue = open.last?.isObject ?? false
                }
                let n = nodes[i]
                let text = UnsafeBufferPointer(rebasing: input[Int(n.start) ..< Int(n.end)])
                if keyDue {
                    keyBytes(UnsafeBufferPointer(rebasing: text.dropFirst().dropLast()), escaped: true)
                    keyDue = false
                    i += 1
                    continue
                }
                let parentIsObject = open.last?.isObject ?? false
                switch n.tag {
                case Node.object:
                    beginObject()
                    open.append((Int(n.next), true))
                case Node.array:
                    beginArray()
                    open.append((Int(n.next), false))
                case Node.string:
                    beforeValue()
                    buffer.append(contentsOf: text)
                case Node.trueLiteral:
                    bool(true)
                case Node.falseLiteral:
                    bool(false)
                case Node.null:
                    null()
                default:
                    beforeValue()
                    buffer.append(contentsOf: text)
                }
                // After a value inside an object comes a key; a new object starts with a key.
                keyDue = n.tag == Node.object ? true : (n.tag == Node.array ? false : parentIsObject)
                i += 1
            }
            while let top = open.popLast() {
                if top.isObject { endObject() } else { endArray() }
            }
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

    // MARK: Internals

    /// Separator and indentation before a value (or before a container opens).
    private mutating func beforeValue() {
        if valueDue {
            valueDue = false
            return
        }
        guard let top = frames.last else {
            if wroteTopLevel { buffer.append(0x0A) }
            wroteTopLevel = true
            return
        }
        if top & Self.isObjectBit != 0 {
            assertionFailure("JSONWriter: a value inside an object needs a key first")
            keyBytes(UnsafeBufferPointer(start: nil, count: 0), escaped: true)
            valueDue = false
            return
        }
        startEntry()
    }

    /// Comma, newline and indentation for a new member/element of the top frame.
    @inline(__always)
    private mutating func startEntry() {
        let last = frames.count - 1
        if frames[last] & Self.hasMembersBit != 0 {
            buffer.append(UInt8(ascii: ","))
        } else {
            frames[last] |= Self.hasMembersBit
        }
        if pretty { newline(indentLevel: frames.count) }
    }

    private mutating func keyBytes(_ k: UnsafeBufferPointer<UInt8>, escaped: Bool) {
        if valueDue {
            assertionFailure("JSONWriter.key: the previous key has no value")
            null()
        }
        guard let top = frames.last, top & Self.isObjectBit != 0 else {
            assertionFailure("JSONWriter.key: only valid inside an object")
            return
        }
        startEntry()
        if escaped {
            buffer.append(UInt8(ascii: "\""))
            buffer.append(contentsOf: k)
            buffer.append(UInt8(ascii: "\""))
        } else {
            appendQuoted(k)
        }
        buffer.append(UInt8(ascii: ":"))
        if pretty { buffer.append(0x20) }
        valueDue = true
    }

    private mutating func close(isObject: Bool, bracket: UInt8) {
        if valueDue {
            assertionFailure("JSONWriter: a key has no value")
            null()
        }
        guard let top = frames.last, (top & Self.isObjectBit != 0) == isObject else {
            assertionFailure("JSONWriter: unbalanced end\(isObject ? "Object" : "Array")()")
            return
        }
        frames.removeLast()
        if pretty && top & Self.hasMembersBit != 0 {
            newline(indentLevel: frames.count)
        }
        buffer.append(bracket)
    }

    @inline(__always)
    private mutating func newline(indentLevel: Int) {
        buffer.append(0x0A)
        let spaces = indentLevel * indentWidth
        if spaces > 0 { buffer.append(contentsOf: repeatElement(0x20, count: spaces)) }
    }

    private mutating func appendASCII(_ s: StaticString) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Appends `"…"` with JSON escaping: `"` `\` and bytes < 0x20; everything
    /// else (including non-ASCII UTF-8) is copied.
    private mutating func appendQuoted(_ s: UnsafeBufferPointer<UInt8>) {
        buffer.append(UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        let n = s.count
        while i < n {
            let b = s[i]
            if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            if runStart < i { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart ..< i])) }
            buffer.append(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case 0x0A: buffer.append(UInt8(ascii: "n"))
            case 0x0D: buffer.append(UInt8(ascii: "r"))
            case 0x09: buffer.append(UInt8(ascii: "t"))
            case 0x08: buffer.append(UInt8(ascii: "b"))
            case 0x0C: buffer.append(UInt8(ascii: "f"))
            default:
                buffer.append(UInt8(ascii: "u"))
                buffer.append(UInt8(ascii: "0"))
                buffer.append(UInt8(ascii: "0"))
                buffer.append(hexDigit(b >> 4))
                buffer.append(hexDigit(b & 0xF))
            }
            i += 1
            runStart = i
        }
        if runStart < n { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart ..< n])) }
        buffer.append(UInt8(ascii: "\""))
    }

    private mutating func appendInt(_ i: Int) {
        var magnitude = i.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var at = 20
            repeat {
                at -= 1
                digits[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if i < 0 { buffer.append(UInt8(ascii: "-")) }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[at ..< 20]))
        }
    }

    /// Swift's `description` is the shortest round-trip text; reshape it to
    /// JSON conventions: drop a trailing ".0", write exponents as `e-7`/`e21`.
    private mutating func appendShortest(_ d: Double) {
        var text = d.description
        text.withUTF8 { s in
            let end = s.count
            var exponentAt = -1
            for k in 0 ..< end where s[k] == UInt8(ascii: "e") || s[k] == UInt8(ascii: "E") {
                exponentAt = k
                break
            }
            let mantissaEnd = exponentAt >= 0 ? exponentAt : end
            var mantissaLength = mantissaEnd
            if mantissaLength >= 2 && s[mantissaLength - 1] == UInt8(ascii: "0") && s[mantissaLength - 2] == UInt8(ascii: ".") {
                mantissaLength -= 2
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: s[0 ..< mantissaLength]))
            guard exponentAt >= 0 else { return }
            buffer.append(UInt8(ascii: "e"))
            var k = exponentAt + 1
            if k < end && s[k] == UInt8(ascii: "-") {
                buffer.append(UInt8(ascii: "-"))
                k += 1
            } else if k < end && s[k] == UInt8(ascii: "+") {
                k += 1
            }
            while k < end - 1 && s[k] == UInt8(ascii: "0") { k += 1 }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: s[k ..< end]))
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
