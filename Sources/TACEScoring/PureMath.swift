/// Natural logarithm, base-10 logarithm and exponential in plain Swift.
///
/// The scoring core imports only `TACEModel` (no Foundation, no Glibc), so the two
/// transcendental functions it needs (log10 for ALBI, exp for the p-TACE logistic
/// model) are implemented here with the classic fdlibm range reductions. Accuracy is
/// a few ulp, far below any clinical cut-off resolution; `PureMathTests` checks them
/// against reference values.
enum PureMath {
    // ln 2 split so that k·ln2Hi is exact for |k| < 2^11 (fdlibm constants).
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10
    static let log10OfE = 0.43429448190325182765
    static let sqrt2 = 1.41421356237309504880

    /// ln(x): -inf at 0, NaN for negative or NaN input, +inf at +inf.
    static func ln(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        var value = x
        var exponentAdjust = 0
        if value < Double.leastNormalMagnitude {
            value *= 18_014_398_509_481_984 // 2^54
            exponentAdjust = -54
        }
        var e = Int(value.exponent) + exponentAdjust
        var m = value.significand // [1, 2)
        if m > sqrt2 {
            m /= 2
            e += 1
        }
        // ln(m) = 2·atanh(z), z = (m−1)/(m+1), |z| ≤ 0.1716.
        let z = (m - 1) / (m + 1)
        let z2 = z * z
        var term = z
        var sum = 0.0
        var k = 1.0
        for _ in 0..<16 {
            sum += term / k
            term *= z2
            k += 2
        }
        let series = 2 * sum
        let fe = Double(e)
        return fe * ln2Hi + (series + fe * ln2Lo)
    }

    static func log10(_ x: Double) -> Double { ln(x) * log10OfE }

    /// e^x.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > 709.782712893384 { return .infinity }
        if x < -745.1332191019412 { return 0 }
        let k = (x / (ln2Hi + ln2Lo)).rounded()
        let r = (x - k * ln2Hi) - k * ln2Lo // |r| ≤ ~0.347
        var term = 1.0
        var sum = 1.0
        var n = 1.0
        for _ in 0..<20 {
            term *= r / n
            sum += term
            n += 1
        }
        let ki = Int(k)
        // Scale in two steps so that results near the subnormal range stay accurate.
        if ki < -1000 {
            return Double(sign: .plus, exponent: ki + 1000, significand: sum) * Double(sign: .plus, exponent: -1000, significand: 1)
        }
        return Double(sign: .plus, exponent: ki, significand: sum)
    }

    /// Logistic function 1 / (1 + e^−x).
    static func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}
