// Conversions of validated JSON number tokens. Called rarely (only when a
// caller asks for a value), so correctness comes first: exact fast paths where
// they are provably exact, otherwise the standard library's correctly rounded
// text-to-Double conversion.

/// Parts of a validated number token.
private struct NumberParts {
    var negative = false
    var integerDigits = 0 ..< 0
    var fractionDigits = 0 ..< 0
    /// Exponent as written, saturated to +/- 1_000_000.
    var exponent = 0

    init(_ token: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let n = token.count
        if i < n && token[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let intStart = i
        while i < n && isDigit(token[i]) { i += 1 }
        integerDigits = intStart ..< i
        if i < n && token[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < n && isDigit(token[i]) { i += 1 }
            fractionDigits = fracStart ..< i
        }
        if i < n && (token[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var negativeExponent = false
            if i < n && (token[i] == UInt8(ascii: "-") || token[i] == UInt8(ascii: "+")) {
                negativeExponent = token[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            while i < n && isDigit(token[i]) {
                if e < 1_000_000 { e = e * 10 + Int(token[i] &- UInt8(ascii: "0")) }
                i += 1
            }
            exponent = negativeExponent ? -e : e
        }
    }

    var digitCount: Int { integerDigits.count + fractionDigits.count }

    /// The k-th digit of integer digits followed by fraction digits.
    func digit(_ k: Int, _ token: UnsafeBufferPointer<UInt8>) -> Int {
        let at = k < integerDigits.count
            ? integerDigits.lowerBound + k
            : fractionDigits.lowerBound + (k - integerDigits.count)
        return Int(token[at] &- UInt8(ascii: "0"))
    }
}

@inline(__always)
private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

/// Exactly representable powers of ten (10^22 is the largest).
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// Nearest Double of a validated token; nil if it overflows to infinity.
func parseDouble(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
    let parts = NumberParts(token)
    // Significand from up to 19 digits, ignoring leading zeros.
    var significand: UInt64 = 0
    var significantDigits = 0
    var allDigitsUsed = true
    for k in 0 ..< parts.digitCount {
        let d = parts.digit(k, token)
        if significand == 0 && d == 0 { continue }
        if significantDigits == 19 {
            allDigitsUsed = false
            break
        }
        significand = significand * 10 + UInt64(d)
        significantDigits += 1
    }
    if significand == 0 && allDigitsUsed {
        return parts.negative ? -0.0 : 0.0
    }
    if allDigitsUsed && significand <= (1 << 53) {
        // value = significand * 10^(exponent - fraction digits); exact when the
        // power of ten is exact too (Clinger's fast path).
        let scale = parts.exponent - parts.fractionDigits.count
        if scale >= -22 && scale <= 22 {
            var value = Double(significand)
            if scale < 0 {
                value /= exactPowersOfTen[-scale]
            } else {
                value *= exactPowersOfTen[scale]
            }
            return parts.negative ? -value : value
        }
    }
    guard let value = Double(String(decoding: token, as: UTF8.self)), value.isFinite else { return nil }
    return value
}

/// The token's value if it is an exact integer within `Int` range.
func parseExactInt(_ token: UnsafeBufferPointer<UInt8>) -> Int? {
    let parts = NumberParts(token)
    var last = parts.digitCount          // digits [first, last) are significant
    var scale = parts.exponent - parts.fractionDigits.count
    while last > 0 && parts.digit(last - 1, token) == 0 {
        last -= 1
        scale += 1
    }
    var first = 0
    while first < last && parts.digit(first, token) == 0 { first += 1 }
    if first == last { return 0 }
    if scale < 0 || (last - first) + scale > 19 { return nil }
    // Accumulate negatively so Int.min is reachable.
    var value = 0
    for k in first ..< last {
        let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
        let (next, o2) = shifted.subtractingReportingOverflow(parts.digit(k, token))
        if o1 || o2 { return nil }
        value = next
    }
    for _ in 0 ..< scale {
        let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
        if overflow { return nil }
        value = shifted
    }
    if parts.negative { return value }
    return value == Int.min ? nil : -value
}
