/// Source text in reports. A value the reader did not recognise is never quoted, even when it looks
/// like a code: a misaligned field can carry a name (`SMITH` in OBX-11) or a value fragment (`-20`
/// taken for a unit), which is patient data. Only text found in a closed code list (a status table,
/// comparators, data types) is quoted. One rule for every reader.
public enum ReportText {
    /// Free source text in a report: never the text, only its length (`(value withheld, 5 characters)`).
    public static func echoable(_ text: String) -> String {
        let n = text.unicodeScalars.count
        return n == 0 ? "(empty)" : "(value withheld, \(n) character\(n == 1 ? "" : "s"))"
    }

    /// The text quoted (`'F'`) when it is one of `codes`, a closed code list; else withheld as by `echoable(_:)`.
    public static func echoable(_ text: String, oneOf codes: some Sequence<String>) -> String {
        codes.contains(text) ? "'" + text + "'" : echoable(text)
    }

    /// What `codingText` shows instead of text that does not look like a code.
    public static let withheld = "(text withheld: it does not look like a code)"

    /// `system|code`, withheld when it does not look like a code.
    public static func codingText(_ system: String?, _ code: String) -> String {
        let text = (system ?? "") + "|" + code
        return looksLikeCode(text) ? text : withheld
    }

    /// Whether `echoable` may show the text. Scans the UTF-8 bytes once (no `Set` of scalars: this
    /// runs for every unmapped code and unit a reader reports).
    public static func looksLikeCode(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return false }
            var characters = 0
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                characters += 1
                if b < 0x80 {
                    guard isAllowedASCII(b) else { return false }
                    i += 1
                } else if i + 1 < bytes.count, (b == 0xC2 && bytes[i + 1] == 0xB5) || (b == 0xCE && bytes[i + 1] == 0xBC) {
                    i += 2  // µ U+00B5, μ U+03BC
                } else {
                    return false
                }
            }
            return characters <= 64
        }
    }

    @inline(__always)
    static func isAllowedASCII(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return allowedPunctuation.contains(b)
        }
    }

    static let allowedPunctuation: [UInt8] = Array("/%.*[]{}^_'-:|#+~".utf8)
}
