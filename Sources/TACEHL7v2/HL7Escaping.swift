/// HL7 v2 escape sequences, with `\` standing for the message's escape character.
///
/// Decoded: `\F\` field separator, `\S\` component, `\T\` subcomponent,
/// `\R\` repetition, `\E\` escape, `\P\` truncation (only when MSH-2 declares
/// one), `\.br\` line break (`\n`), and `\Xhh…\` hexadecimal bytes (read as
/// UTF-8 when they form valid UTF-8, otherwise as ISO 8859-1).
///
/// Kept literally, escape characters included: highlighting (`\H\`, `\N\`),
/// the other formatting commands of FT (`\.sp\`, `\.in\`, `\.ti\`, `\.ce\`,
/// `\.fi\`, `\.nf\`, `\.sk\`), character-set switches (`\C…\`, `\M…\`),
/// locally defined `\Z…\`, any unknown sequence and an escape character with
/// no closing one. Keeping them literally loses nothing: a consumer that
/// renders FT can still interpret them.
public enum HL7Escaping {
    /// Decodes `bytes` (one value as written) into text.
    public static func decode(_ bytes: ArraySlice<UInt8>, delimiters: HL7Delimiters) -> String {
        let escape = delimiters.escape
        let plain = bytes.withUnsafeBufferPointer { buffer -> String? in
            guard buffer.firstIndex(of: escape) == nil else { return nil }
            return decodeText(buffer)
        }
        if let plain { return plain }
        if let ascii = bytes.withUnsafeBufferPointer({ decodeASCII($0, delimiters: delimiters) }) { return ascii }
        return decodePieces(bytes, delimiters: delimiters)
    }

    /// The general decoding: each run of text and each escape decoded on its own.
    static func decodePieces(_ bytes: ArraySlice<UInt8>, delimiters: HL7Delimiters) -> String {
        let escape = delimiters.escape
        var out = ""
        out.reserveCapacity(bytes.count)
        var runStart = bytes.startIndex
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            guard bytes[i] == escape else {
                i += 1
                continue
            }
            guard let close = bytes[(i + 1)..<end].firstIndex(of: escape) else { break }
            if let replacement = interpret(bytes[(i + 1)..<close], delimiters: delimiters) {
                out += decodeText(bytes[runStart..<i])
                out += replacement
                runStart = close + 1
            }
            i = close + 1
        }
        out += decodeText(bytes[runStart..<end])
        return out
    }

    /// `decode` for the common case of ASCII text whose escapes decode to ASCII (delimiters,
    /// `\.br\`, ASCII `\Xhh\`): the text is built as bytes and made into a `String` once, instead
    /// of one `String` per piece. Nil when the value holds other bytes or escapes (the general path).
    static func decodeASCII(_ bytes: UnsafeBufferPointer<UInt8>, delimiters: HL7Delimiters) -> String? {
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        let escape = delimiters.escape
        var general = false  // an escape whose text is not ASCII: left to the general path
        // Decoding never lengthens ASCII text (every escape is at least as long as what it stands
        // for), so the text is written straight into a string of the input's length at most.
        let text = String(unsafeUninitializedCapacity: bytes.count) { out in
            var n = 0
            func put(_ b: UInt8) { out[n] = b; n += 1 }
            func putRaw(_ from: Int, _ to: Int) { for k in from...to { put(bytes[k]) } }
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                guard b == escape else { put(b); i += 1; continue }
                var close = i + 1
                while close < bytes.count, bytes[close] != escape { close += 1 }
                guard close < bytes.count else {  // no closing escape: the rest as written
                    putRaw(i, bytes.count - 1)
                    break
                }
                let length = close - i - 1
                let first = length > 0 ? bytes[i + 1] : 0
                if length == 1 {
                    switch first {
                    case UInt8(ascii: "F"): put(delimiters.field)
                    case UInt8(ascii: "S"): put(delimiters.component)
                    case UInt8(ascii: "T"): put(delimiters.subcomponent)
                    case UInt8(ascii: "R"): put(delimiters.repetition)
                    case UInt8(ascii: "E"): put(escape)
                    case UInt8(ascii: "P") where delimiters.truncation != nil: put(delimiters.truncation ?? escape)
                    default: putRaw(i, close)  // unknown: kept as written
                    }
                } else if length == 3, first == UInt8(ascii: "."), bytes[i + 2] == UInt8(ascii: "b"), bytes[i + 3] == UInt8(ascii: "r") {
                    put(0x0A)
                } else if first == UInt8(ascii: "X") {
                    // Hexadecimal bytes: interpret() decides; only an ASCII result stays on this path.
                    if let decoded = interpret(Array(bytes[(i + 1)..<close])[...], delimiters: delimiters) {
                        guard decoded.utf8.allSatisfy({ $0 < 0x80 }), decoded.utf8.count <= close - i + 1 else {
                            general = true
                            return 0
                        }
                        for c in decoded.utf8 { put(c) }
                    } else {
                        putRaw(i, close)
                    }
                } else {
                    putRaw(i, close)  // formatting, character sets, unknown: kept as written
                }
                i = close + 1
            }
            return n
        }
        return general ? nil : text
    }

    /// Decodes one value borrowed from the input; as `decode(_:delimiters:)` on an array slice.
    public static func decode(_ buffer: UnsafeBufferPointer<UInt8>, delimiters: HL7Delimiters) -> String {
        if buffer.firstIndex(of: delimiters.escape) == nil { return decodeText(buffer) }
        return decodeASCII(buffer, delimiters: delimiters) ?? decodePieces(Array(buffer)[...], delimiters: delimiters)
    }

    /// Text without escape processing: UTF-8 when valid, else ISO 8859-1.
    public static func decodeText(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBufferPointer { decodeText($0) }
    }

    static func decodeText(_ buffer: UnsafeBufferPointer<UInt8>) -> String {
        // `String(decoding:)` repairs invalid UTF-8 with U+FFFD; the text is
        // valid exactly when its UTF-8 is the input again. (Not
        // `String(validating:)`: unspecialized, it costs a runtime metadata
        // lookup per value.) ASCII, the common case, skips the comparison.
        let text = String(decoding: buffer, as: UTF8.self)
        if !buffer.contains(where: { $0 >= 0x80 }) || text.utf8.elementsEqual(buffer) { return text }
        var scalars = String.UnicodeScalarView()
        for byte in buffer { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    static func interpret(_ body: ArraySlice<UInt8>, delimiters: HL7Delimiters) -> String? {
        if body.count == 1 {
            let byte: UInt8?
            switch body.first! {
            case UInt8(ascii: "F"): byte = delimiters.field
            case UInt8(ascii: "S"): byte = delimiters.component
            case UInt8(ascii: "T"): byte = delimiters.subcomponent
            case UInt8(ascii: "R"): byte = delimiters.repetition
            case UInt8(ascii: "E"): byte = delimiters.escape
            case UInt8(ascii: "P"): byte = delimiters.truncation
            default: byte = nil
            }
            return byte.map { String(Unicode.Scalar($0)) }
        }
        if body.elementsEqual(".br".utf8) { return "\n" }
        if body.first == UInt8(ascii: "X"), body.count >= 3, (body.count - 1) % 2 == 0 {
            var decoded: [UInt8] = []
            decoded.reserveCapacity((body.count - 1) / 2)
            var i = body.startIndex + 1
            while i < body.endIndex {
                guard let high = hexValue(body[i]), let low = hexValue(body[i + 1]) else { return nil }
                decoded.append(high << 4 | low)
                i += 2
            }
            return decodeText(decoded[...])
        }
        return nil
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// Encodes `text` for use as one value: delimiters become `\F\ \S\ \T\
    /// \R\ \E\` (and `\P\`), line breaks (CR, LF, CRLF) `\.br\`, other
    /// control characters `\Xhh\`. The result is UTF-8.
    public static func encode(_ text: String, delimiters: HL7Delimiters) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let utf8 = Array(text.utf8)
        let e = delimiters.escape
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            i += 1
            let letter: UInt8?
            switch b {
            case delimiters.field: letter = UInt8(ascii: "F")
            case delimiters.component: letter = UInt8(ascii: "S")
            case delimiters.subcomponent: letter = UInt8(ascii: "T")
            case delimiters.repetition: letter = UInt8(ascii: "R")
            case delimiters.escape: letter = UInt8(ascii: "E")
            case delimiters.truncation where delimiters.truncation != nil: letter = UInt8(ascii: "P")
            default: letter = nil
            }
            if let letter {
                out += [e, letter, e]
            } else if b == 0x0D || b == 0x0A {
                if b == 0x0D, i < utf8.count, utf8[i] == 0x0A { i += 1 }
                out.append(e)
                out += ".br".utf8
                out.append(e)
            } else if b < 0x20 || b == 0x7F {
                let digits = Array("0123456789ABCDEF".utf8)
                out += [e, UInt8(ascii: "X"), digits[Int(b >> 4)], digits[Int(b & 0xF)], e]
            } else {
                out.append(b)
            }
        }
        return out
    }
}
