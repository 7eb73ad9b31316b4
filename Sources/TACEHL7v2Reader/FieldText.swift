import TACEHL7v2

/// The decoded text of one HL7 v2 value, trimmed of spaces and tabs unless asked otherwise: the
/// message bytes themselves when they are plain ASCII (no escape sequence: nearly every value in
/// real feeds), else the decoded `String`. Either way the reader sees the same text, as UTF-8
/// bytes (`withBytes`) or as a `String` (`string`), so one code path serves both.
///
/// Points into the message: only valid inside the `HL7Message.withView` call it was made in.
struct FieldText {
    private enum Storage {
        case bytes(UnsafeBufferPointer<UInt8>)
        case decoded(String)
    }

    private let storage: Storage

    /// The text of `span`; `knownPlain` when the caller has already seen that it is plain ASCII
    /// (`HL7Parts.isPlainASCII`), which saves scanning it again.
    init(_ view: HL7MessageView, _ span: HL7Span, trimmed: Bool = true, knownPlain: Bool = false) {
        guard knownPlain || view.isPlainASCII(span) else {
            let text = view.string(span)
            storage = .decoded(trimmed ? text.trimmed : text)
            return
        }
        var lower = span.lowerBound, upper = span.upperBound
        if trimmed {
            while lower < upper, view.bytes[lower] == 0x20 || view.bytes[lower] == 0x09 { lower += 1 }
            while upper > lower, view.bytes[upper - 1] == 0x20 || view.bytes[upper - 1] == 0x09 { upper -= 1 }
        }
        storage = .bytes(UnsafeBufferPointer(rebasing: view.bytes[lower..<upper]))
    }

    var isEmpty: Bool {
        switch storage {
        case .bytes(let b): return b.isEmpty
        case .decoded(let s): return s.isEmpty
        }
    }

    /// The text as a `String` (a copy of the bytes: made only where a `String` is kept or shown).
    var string: String {
        switch storage {
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        case .decoded(let s): return s
        }
    }

    /// Calls `body` with the text's UTF-8 bytes.
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch storage {
        case .bytes(let b): return body(b)
        case .decoded(let s):
            var s = s
            return s.withUTF8(body)
        }
    }

    /// The text upper-cased as `String.uppercased()` does (ASCII letters only, for ASCII text).
    var uppercased: String { string.uppercased() }

    /// Whether the upper-cased text is `word` (an upper-case ASCII word).
    func uppercasedEquals(_ word: StaticString) -> Bool {
        switch storage {
        case .bytes(let b):
            guard b.count == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            for i in 0..<b.count where Self.upper(b[i]) != w[i] { return false }
            return true
        case .decoded(let s):
            return s.uppercased() == word.description
        }
    }

    /// The upper-cased text when it is one ASCII character, else nil: for one-letter codes such as
    /// OBX-11.
    var uppercasedLetter: UInt8? {
        switch storage {
        case .bytes(let b):
            return b.count == 1 ? Self.upper(b[0]) : nil
        case .decoded(let s):
            let upper = Array(s.uppercased().utf8)
            return upper.count == 1 ? upper[0] : nil
        }
    }

    @inline(__always)
    static func upper(_ b: UInt8) -> UInt8 { b &- 0x61 < 26 ? b - 0x20 : b }

    /// The text of part `number` of `parts`.
    init(_ view: HL7MessageView, _ parts: HL7Parts, _ number: Int, trimmed: Bool = true) {
        self.init(view, parts[number], trimmed: trimmed, knownPlain: parts.isPlainASCII)
    }
}
