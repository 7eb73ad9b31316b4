/// Source text in reports: codes, units, code systems and statuses may be echoed; anything else is
/// withheld, because a misaligned field can carry a name or a value (patient data). One rule for
/// every reader.
public enum ReportText {
    /// The text quoted (`'mg/dL'`) when it looks like a code — 1 to 64 characters, no spaces, only
    /// ASCII letters and digits, `/%.*[]{}^_'-:|#+~` and the micro signs `µ` `μ` — else a
    /// placeholder saying it was withheld.
    public static func echoable(_ text: String) -> String {
        looksLikeCode(text) ? "'" + text + "'" : withheld
    }

    /// What `echoable` shows instead of text that does not look like a code.
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
