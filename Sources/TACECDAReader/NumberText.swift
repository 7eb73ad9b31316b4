import TACEModel

/// A number as written in CDA: a `REAL`/`INT` literal in a `value` attribute, or `ST` text such as
/// `>500 mg/dL`.
struct NumberText {
    var value: Double
    var text: String
    var comparator: Comparator = .equal
    var unitText: String? = nil

    /// A REAL or INT literal: `[+|-]digits[.digits][(e|E)[+|-]digits]` (no blanks inside, no
    /// `NaN`/`Infinity`, no hexadecimal). `integer` refuses a fraction or an exponent.
    static func literal(_ raw: String, integer: Bool = false) -> NumberText? {
        var text = raw.trimmedBlanks
        let valid = text.withUTF8 { bytes in scan(bytes, from: 0, integer: integer) == bytes.count }
        guard valid, let value = Double(text), value.isFinite else { return nil }
        return NumberText(value: value, text: text)
    }

    /// `ST` text: optional comparator (`<`, `<=`, `>`, `>=`), a number, optional unit text.
    static func statement(_ raw: String) -> NumberText? {
        let bytes = Array(raw.utf8)[...]
        var i = 0
        func skipBlanks() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 } }
        skipBlanks()
        var comparator = Comparator.equal
        if i < bytes.count, bytes[i] == 0x3C || bytes[i] == 0x3E {
            let greater = bytes[i] == 0x3E
            i += 1
            if i < bytes.count, bytes[i] == 0x3D { i += 1; comparator = greater ? .greaterOrEqual : .lessOrEqual }
            else { comparator = greater ? .greaterThan : .lessThan }
            skipBlanks()
        }
        let start = i
        guard let end = scan(bytes, from: i, integer: false) else { return nil }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        i = end
        skipBlanks()
        var unit: String? = nil
        if i < bytes.count {
            var last = bytes.count
            while last > i, bytes[last - 1] == 0x20 || bytes[last - 1] == 0x09 || bytes[last - 1] == 0x0A || bytes[last - 1] == 0x0D { last -= 1 }
            unit = String(decoding: bytes[i..<last], as: UTF8.self)
        }
        return NumberText(value: value, text: text, comparator: comparator, unitText: unit)
    }

    /// The index after a number literal starting at `from`, or nil.
    static func scan<Bytes: RandomAccessCollection<UInt8>>(_ b: Bytes, from start: Int, integer: Bool) -> Int? where Bytes.Index == Int {
        var i = start
        func isDigit(_ j: Int) -> Bool { j < b.count && b[j] >= 0x30 && b[j] <= 0x39 }
        if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
        var digits = 0
        while isDigit(i) { i += 1; digits += 1 }
        if !integer, i < b.count, b[i] == 0x2E {
            i += 1
            while isDigit(i) { i += 1; digits += 1 }
        }
        guard digits > 0, digits <= 40 else { return nil }
        if !integer, i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            var j = i + 1
            if j < b.count, b[j] == 0x2B || b[j] == 0x2D { j += 1 }
            var exponentDigits = 0
            while isDigit(j) { j += 1; exponentDigits += 1 }
            guard exponentDigits > 0, exponentDigits <= 3 else { return nil }
            i = j
        }
        return i
    }
}
