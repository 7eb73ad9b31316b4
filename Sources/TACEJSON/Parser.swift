private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

/// One open container while parsing.
private struct Frame {
    var node: Int
    var count: UInt32
    var isObject: Bool
}

/// Single-pass, iterative validator that records a tape of nodes.
///
/// Nesting is tracked in an explicit stack bounded by `limits.maxDepth`, so no
/// input can exhaust the call stack. Strings are validated (UTF-8, escapes,
/// control characters) but not decoded; numbers are validated but not converted.
struct Parser {
    let p: UnsafePointer<UInt8>
    let end: Int
    let limits: JSONLimits
    var tape: TapeBuilder
    private var frames: [Frame]

    init(p: UnsafePointer<UInt8>, count: Int, limits: JSONLimits) {
        self.p = p
        self.end = count
        self.limits = limits
        // A compact FHIR resource has roughly one node per 8-12 bytes.
        self.tape = TapeBuilder(estimatedNodes: min(count / 8 + 16, 1 << 24))
        self.frames = []
        self.frames.reserveCapacity(min(max(limits.maxDepth, 0), 32))
    }

    func fail(_ reason: JSONParseError.Reason, at offset: Int, _ context: JSONParseError.Context) -> JSONParseError {
        let (line, column) = computeLineColumn(in: UnsafeBufferPointer(start: p, count: end), offset: offset)
        return JSONParseError(reason: reason, byteOffset: offset, line: line, column: column, context: context)
    }

    @inline(__always)
    func skipWhitespace(_ from: Int) -> Int {
        var i = from
        while i < end {
            let b = p[i]
            if b > 0x20 { break }
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
                i += 1
            } else {
                break
            }
        }
        return i
    }

    /// Parses one value starting at `start` (after any BOM). Returns the offset
    /// just after the value.
    mutating func parseValue(from start: Int) throws(JSONParseError) -> Int {
        var i = skipWhitespace(start)
        if i >= end { throw fail(.emptyInput, at: i, .none) }

        outer: while true {
            guard i < end else { throw fail(.unexpectedEnd, at: i, .value) }
            let b = p[i]
            switch b {
            case quote:
                i = try scanString(i)
            case UInt8(ascii: "{"):
                try open(at: i, isObject: true)
                i = skipWhitespace(i + 1)
                guard i < end else { throw fail(.unexpectedEnd, at: i, .objectKey) }
                if p[i] == UInt8(ascii: "}") {
                    i += 1
                    closeTop(endOffset: i)
                } else {
                    i = try scanKeyAndColon(i)
                    continue outer
                }
            case UInt8(ascii: "["):
                try open(at: i, isObject: false)
                i = skipWhitespace(i + 1)
                guard i < end else { throw fail(.unexpectedEnd, at: i, .arrayNext) }
                if p[i] == UInt8(ascii: "]") {
                    i += 1
                    closeTop(endOffset: i)
                } else {
                    continue outer
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                i = try scanNumber(i)
            case UInt8(ascii: "t"):
                i = try scanLiteral(i, word: "true", tag: Node.trueLiteral)
            case UInt8(ascii: "f"):
                i = try scanLiteral(i, word: "false", tag: Node.falseLiteral)
            case UInt8(ascii: "n"):
                i = try scanLiteral(i, word: "null", tag: Node.null)
            case UInt8(ascii: "+"), UInt8(ascii: "."):
                throw fail(.invalidNumber, at: i, .number)
            default:
                throw fail(.unexpectedByte(b), at: i, .value)
            }

            // A value is complete: continue in the enclosing container(s).
            while true {
                let top = frames.count - 1
                if top < 0 { return i }
                frames[top].count &+= 1
                let isObject = frames[top].isObject
                i = skipWhitespace(i)
                guard i < end else { throw fail(.unexpectedEnd, at: i, isObject ? .objectNext : .arrayNext) }
                let c = p[i]
                if c == UInt8(ascii: ",") {
                    i = skipWhitespace(i + 1)
                    if isObject { i = try scanKeyAndColon(i) }
                    continue outer
                }
                if c == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i += 1
                    closeTop(endOffset: i)
                    continue
                }
                throw fail(.unexpectedByte(c), at: i, isObject ? .objectNext : .arrayNext)
            }
        }
    }

    @inline(__always)
    private mutating func open(at i: Int, isObject: Bool) throws(JSONParseError) {
        if frames.count >= limits.maxDepth {
            throw fail(.tooDeep(limit: limits.maxDepth), at: i, .none)
        }
        frames.append(Frame(node: tape.count, count: 0, isObject: isObject))
        tape.append(start: i, end: i, meta: isObject ? Node.object : Node.array)
    }

    @inline(__always)
    private mutating func closeTop(endOffset: Int) {
        let frame = frames.removeLast()
        let node = tape.base + frame.node
        node.pointee.end = UInt32(truncatingIfNeeded: endOffset)
        node.pointee.next = UInt32(truncatingIfNeeded: tape.count)
        node.pointee.meta |= min(frame.count, Node.countSaturated) << Node.countShift
    }

    /// Expects `"key"` then `:` at `i` (whitespace allowed around the colon);
    /// returns the offset of the member's value (after whitespace).
    @inline(__always)
    private mutating func scanKeyAndColon(_ start: Int) throws(JSONParseError) -> Int {
        guard start < end else { throw fail(.unexpectedEnd, at: start, .objectKey) }
        guard p[start] == quote else { throw fail(.unexpectedByte(p[start]), at: start, .objectKey) }
        var i = try scanString(start)
        if i < end && p[i] == UInt8(ascii: ":") {
            return skipWhitespace(i + 1)
        }
        i = skipWhitespace(i)
        guard i < end else { throw fail(.unexpectedEnd, at: i, .objectColon) }
        guard p[i] == UInt8(ascii: ":") else { throw fail(.unexpectedByte(p[i]), at: i, .objectColon) }
        return skipWhitespace(i + 1)
    }

    // MARK: Strings

    /// Bits 7 of each byte of the result are set for bytes that end the fast
    /// scan: `"`, `\`, < 0x20 or >= 0x80. The lowest set bit is always exact
    /// (borrows only propagate upwards from a true hit).
    @inline(__always)
    private static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let q = w ^ (ones &* 0x22)
        let s = w ^ (ones &* 0x5C)
        let quotes = (q &- ones) & ~q
        let slashes = (s &- ones) & ~s
        let controls = (w &- ones &* 0x20) & ~w
        return (quotes | slashes | controls | w) & high
    }

    /// `p[start]` is the opening quote. Appends a string node; returns the
    /// offset after the closing quote.
    @inline(__always)
    private mutating func scanString(_ start: Int) throws(JSONParseError) -> Int {
        var j = start + 1
        var meta = Node.string
        while true {
            while j &+ 8 <= end {
                let w = UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self)
                let m = Self.specialBytes(UInt64(littleEndian: w))
                if m != 0 {
                    j += m.trailingZeroBitCount >> 3
                    break
                }
                j += 8
            }
            guard j < end else { throw fail(.unexpectedEnd, at: j, .string) }
            let b = p[j]
            if b == quote { break }
            if b == backslash {
                j = try scanEscape(j)
                meta |= Node.flagBit
            } else if b < 0x20 {
                throw fail(.controlCharacterInString, at: j, .string)
            } else if b >= 0x80 {
                j = try scanUTF8(j)
            } else {
                j += 1
            }
        }
        if j - start - 1 > limits.maxStringBytes {
            throw fail(.stringTooLong, at: start, .string)
        }
        tape.append(start: start, end: j + 1, meta: meta)
        return j + 1
    }

    /// `p[i]` is a backslash. Returns the offset after the escape sequence.
    private func scanEscape(_ i: Int) throws(JSONParseError) -> Int {
        guard i + 1 < end else { throw fail(.unexpectedEnd, at: i + 1, .string) }
        switch p[i + 1] {
        case quote, backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return i + 2
        case UInt8(ascii: "u"):
            let unit = try hex4(at: i + 2, escapeStart: i)
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw fail(.invalidEscape, at: i, .string)
            }
            if unit < 0xD800 || unit > 0xDBFF {
                return i + 6
            }
            // A high surrogate must be followed by an escaped low surrogate.
            guard i + 6 < end else { throw fail(.unexpectedEnd, at: i + 6, .string) }
            guard p[i + 6] == backslash else { throw fail(.invalidEscape, at: i, .string) }
            guard i + 7 < end else { throw fail(.unexpectedEnd, at: i + 7, .string) }
            guard p[i + 7] == UInt8(ascii: "u") else { throw fail(.invalidEscape, at: i, .string) }
            let low = try hex4(at: i + 8, escapeStart: i)
            guard low >= 0xDC00 && low <= 0xDFFF else { throw fail(.invalidEscape, at: i, .string) }
            return i + 12
        default:
            throw fail(.invalidEscape, at: i, .string)
        }
    }

    private func hex4(at start: Int, escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for k in start ..< start + 4 {
            guard k < end else { throw fail(.unexpectedEnd, at: k, .string) }
            guard let digit = hexValue(p[k]) else { throw fail(.invalidEscape, at: escapeStart, .string) }
            value = value << 4 | digit
        }
        return value
    }

    /// `p[i]` is >= 0x80. Validates one UTF-8 sequence (RFC 3629: no overlong
    /// forms, no UTF-16 surrogates, nothing above U+10FFFF) and returns the
    /// offset after it.
    private func scanUTF8(_ i: Int) throws(JSONParseError) -> Int {
        let lead = p[i]
        var length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw fail(.invalidUTF8, at: i, .string)
        }
        guard i + 1 < end else { throw fail(.unexpectedEnd, at: i + 1, .string) }
        let second = p[i + 1]
        guard second >= low && second <= high else { throw fail(.invalidUTF8, at: i, .string) }
        var k = 2
        while k < length {
            guard i + k < end else { throw fail(.unexpectedEnd, at: i + k, .string) }
            guard p[i + k] & 0xC0 == 0x80 else { throw fail(.invalidUTF8, at: i, .string) }
            k += 1
        }
        return i + length
    }

    // MARK: Numbers and literals

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// `p[start]` is `-` or a digit. Validates the RFC 8259 grammar, appends a
    /// number node and returns the offset after the token.
    private mutating func scanNumber(_ start: Int) throws(JSONParseError) -> Int {
        var i = start
        var meta = Node.number
        if p[i] == UInt8(ascii: "-") {
            i += 1
            guard i < end else { throw fail(.unexpectedEnd, at: i, .number) }
        }
        if p[i] == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(p[i]) {
            i += 1
            while i < end && isDigit(p[i]) { i += 1 }
        } else {
            throw fail(.invalidNumber, at: i, .number)
        }
        if i < end && p[i] == UInt8(ascii: ".") {
            meta |= Node.flagBit
            i += 1
            guard i < end else { throw fail(.unexpectedEnd, at: i, .number) }
            guard isDigit(p[i]) else { throw fail(.invalidNumber, at: i, .number) }
            while i < end && isDigit(p[i]) { i += 1 }
        }
        if i < end && (p[i] | 0x20) == UInt8(ascii: "e") {
            meta |= Node.flagBit
            i += 1
            guard i < end else { throw fail(.unexpectedEnd, at: i, .number) }
            if p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
                i += 1
                guard i < end else { throw fail(.unexpectedEnd, at: i, .number) }
            }
            guard isDigit(p[i]) else { throw fail(.invalidNumber, at: i, .number) }
            while i < end && isDigit(p[i]) { i += 1 }
        }
        if i - start > limits.maxNumberDigits {
            throw fail(.numberTooLong, at: start, .number)
        }
        // Reject "01", "1.2.3", "1e5e", "1-2": a number can't be followed by these.
        if i < end {
            let c = p[i]
            if isDigit(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
                || (c | 0x20) == UInt8(ascii: "e") {
                throw fail(.invalidNumber, at: i, .number)
            }
        }
        tape.append(start: start, end: i, meta: meta)
        return i
    }

    private mutating func scanLiteral(_ start: Int, word: StaticString, tag: UInt32) throws(JSONParseError) -> Int {
        let length = word.utf8CodeUnitCount
        let expected = word.utf8Start
        for k in 1 ..< length {
            guard start + k < end else { throw fail(.unexpectedEnd, at: start + k, .literal) }
            let b = p[start + k]
            guard b == expected[k] else { throw fail(.unexpectedByte(b), at: start + k, .literal) }
        }
        tape.append(start: start, end: start + length, meta: tag)
        return start + length
    }
}

@inline(__always)
func hexValue(_ b: UInt8) -> UInt32? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b &- UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b &- UInt8(ascii: "a") &+ 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b &- UInt8(ascii: "A") &+ 10)
    default: return nil
    }
}
