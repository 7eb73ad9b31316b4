import TACEFHIRReader
import TACEModel

/// A numeric result as a vendor writes it: `38`, `<2.0`, `>= 1000`, `21 µmol/l`.
struct ResultNumber {
    var comparator: Comparator
    /// Whether the text itself carried the comparator.
    var hasComparator: Bool
    var value: Double
    var numberText: String
    var unitText: String?

    /// `[comparator] [+|-]digits[.digits] [unit]`, blanks allowed between the parts. A decimal
    /// comma, exponents and thousands separators are not numbers here.
    static func parse(_ text: String) -> ResultNumber? {
        let b = Array(text.utf8)
        var i = 0
        func skipBlanks() { while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 } }
        skipBlanks()
        var comparator = Comparator.equal
        var hasComparator = false
        if i < b.count, b[i] == 0x3C || b[i] == 0x3E {
            let greater = b[i] == 0x3E
            i += 1
            hasComparator = true
            if i < b.count, b[i] == 0x3D {
                i += 1
                comparator = greater ? .greaterOrEqual : .lessOrEqual
            } else {
                comparator = greater ? .greaterThan : .lessThan
            }
            skipBlanks()
        }
        let start = i
        if i < b.count, b[i] == 0x2D || b[i] == 0x2B { i += 1 }
        var digits = 0, dots = 0
        while i < b.count, (b[i] >= 0x30 && b[i] <= 0x39) || b[i] == 0x2E {
            if b[i] == 0x2E { dots += 1 } else { digits += 1 }
            i += 1
        }
        guard digits > 0, digits <= 30, dots <= 1 else { return nil }
        let numberText = String(decoding: b[start..<i], as: UTF8.self)
        guard let value = Double(numberText), value.isFinite else { return nil }
        // A unit must be separated from the number or start with a non-digit (not `3,9`, `1e3`).
        if i < b.count, b[i] == 0x2C || b[i] == 0x65 || b[i] == 0x45 {
            let next = i + 1 < b.count ? b[i + 1] : 0
            if b[i] == 0x2C || (next >= 0x30 && next <= 0x39) || next == 0x2D || next == 0x2B { return nil }
        }
        skipBlanks()
        var unit: String? = nil
        if i < b.count {
            var end = b.count
            while end > i, b[end - 1] == 0x20 || b[end - 1] == 0x09 { end -= 1 }
            unit = String(decoding: b[i..<end], as: UTF8.self)
        }
        return ResultNumber(comparator: comparator, hasComparator: hasComparator, value: value, numberText: numberText, unitText: unit)
    }

    /// A comparator written on its own: `<`, `>`, `<=`, `>=`, `=`.
    static func comparator(_ text: String) -> Comparator? {
        switch text {
        case "=": return .equal
        case "<": return .lessThan
        case ">": return .greaterThan
        case "<=": return .lessOrEqual
        case ">=": return .greaterOrEqual
        default: return nil
        }
    }
}

/// Source text in a report: withheld, only its length shown (the rule of every reader, `ReportText`):
/// a value that is not what the format expects may be patient data.
func echoable(_ text: String) -> String { ReportText.echoable(text) }

/// `system|code` for reports, withheld when it does not look like a code.
func codingText(_ system: String?, _ code: String) -> String { ReportText.codingText(system, code) }

extension String {
    /// Without surrounding blanks (space, tab, CR, LF, no-break space).
    var trimmedBlanks: String {
        let scalars = unicodeScalars
        func blank(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\r" || s == "\n" || s == "\u{00A0}" }
        guard let start = scalars.firstIndex(where: { !blank($0) }), let end = scalars.lastIndex(where: { !blank($0) }) else { return "" }
        return String(Substring(scalars[start...end]))
    }
}
