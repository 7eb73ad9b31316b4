import TACEFHIRReader
import TACEHL7v2
import TACEModel

/// A numeric result: `NM`, an `SN` with one number, or text such as `>60500` or `< 1.0 mg/dL`.
struct ResultNumber {
    var comparator: Comparator
    var value: Double
    var numberText: String
    var unitText: String?

    static func parse(_ text: String, allowComparator: Bool) -> ResultNumber? {
        var text = text
        return text.withUTF8 { parse($0, allowComparator: allowComparator) }
    }

    /// Parses the UTF-8 bytes of a value: optional comparator (when allowed), a number, and (when
    /// a comparator is allowed, i.e. for text values) a unit after it.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, allowComparator: Bool) -> ResultNumber? {
        var i = 0
        func skipSpaces() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        skipSpaces()
        var comparator = Comparator.equal
        if allowComparator, i < bytes.count, bytes[i] == 0x3C || bytes[i] == 0x3E {
            let greater = bytes[i] == 0x3E
            i += 1
            if i < bytes.count, bytes[i] == 0x3D { i += 1; comparator = greater ? .greaterOrEqual : .lessOrEqual }
            else { comparator = greater ? .greaterThan : .lessThan }
            skipSpaces()
        }
        guard let (value, numberText, next) = number(bytes, from: i) else { return nil }
        i = next
        skipSpaces()
        var unit: String? = nil
        if i < bytes.count {
            guard allowComparator else { return nil }
            var end = bytes.count
            while end > i, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            unit = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self)
        }
        return ResultNumber(comparator: comparator, value: value, numberText: numberText, unitText: unit)
    }

    /// `[+|-]digits[.digits]` at `from`; the value, its text and the index after it.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Double, String, Int)? {
        var i = start
        let negative = i < bytes.count && bytes[i] == 0x2D
        if i < bytes.count, bytes[i] == 0x2D || bytes[i] == 0x2B { i += 1 }
        var digits = 0, dots = 0, fractionDigits = 0
        var mantissa: UInt64 = 0
        while i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == 0x2E {
            if bytes[i] == 0x2E {
                dots += 1
            } else {
                digits += 1
                if dots > 0 { fractionDigits += 1 }
                if digits <= 15 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30) }
            }
            i += 1
        }
        guard digits > 0, digits <= 30, dots <= 1 else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        let value: Double
        if digits <= 15 {
            // Exact: the digits (below 10^15 < 2^53) and the power of ten (at most 10^15) are both
            // exact doubles, and one IEEE division rounds correctly, so this is what Double(text)
            // gives (the classic fast path of decimal conversion).
            let magnitude = Double(mantissa) / Self.powersOfTen[fractionDigits]
            value = negative ? -magnitude : magnitude
        } else {
            guard let parsed = Double(text) else { return nil }
            value = parsed
        }
        guard value.isFinite else { return nil }
        return (value, text, i)
    }

    static let powersOfTen: [Double] = (0...15).map { exponent in
        var p = 1.0
        for _ in 0..<exponent { p *= 10 }
        return p
    }

    /// SN (its components): comparator `^` num1 `^` separator/suffix `^` num2. Only a single number (with an
    /// optional comparator) is a value; ranges (`10^-^20`), ratios (`1^:^128`) and `<>` are not.
    static func structured(_ view: HL7MessageView, _ v: HL7Parts, context: ResultContext) -> Result<ResultNumber, Unused> {
        let comparatorText = FieldText(view, v, 1)
        let num1 = FieldText(view, v, 2)
        let separator = FieldText(view, v, 3)
        let num2 = FieldText(view, v, 4)
        if !separator.isEmpty || !num2.isEmpty {
            return .failure(context.unused(.nonNumericValue, "SN is a range or ratio (separator \(separator.isEmpty ? "(none)" : echoable(separator.string, oneOf: ["-", "+", "/", ".", ":"]))), not a single value"))
        }
        let comparator: Comparator
        switch comparatorText.string {
        case "", "=": comparator = .equal
        case "<": comparator = .lessThan
        case ">": comparator = .greaterThan
        case "<=": comparator = .lessOrEqual
        case ">=": comparator = .greaterOrEqual
        default:
            return .failure(context.unused(.nonNumericValue, "SN comparator \(echoable(comparatorText.string)) is not one of =, <, >, <=, >="))
        }
        let parsed = num1.withBytes { bytes -> (Double, String)? in
            guard let (value, text, end) = number(bytes, from: 0), end == bytes.count else { return nil }
            return (value, text)
        }
        guard let (value, text) = parsed else {
            return .failure(context.unused(.nonNumericValue, "SN number is not a number"))
        }
        return .success(ResultNumber(comparator: comparator, value: value, numberText: text, unitText: nil))
    }
}
