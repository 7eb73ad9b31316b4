/// Formats numbers for rationales and details without Foundation and without
/// binary floating-point noise (`0.1 + 0.2` prints as `0.3`).
public enum NumberText {
    /// Rounds to at most `maxFractionDigits` decimals (half away from zero) and trims
    /// trailing zeros: `15.0` → `"15"`, `6.2` → `"6.2"`, `-2.11632` (3) → `"-2.116"`.
    public static func decimal(_ x: Double, maxFractionDigits: Int = 4) -> String {
        fixed(x, fractionDigits: maxFractionDigits, trimZeros: true)
    }

    /// Rounds to exactly `fractionDigits` decimals, keeping trailing zeros: `0.08` (3) → `"0.080"`.
    public static func fixed(_ x: Double, fractionDigits: Int) -> String {
        fixed(x, fractionDigits: fractionDigits, trimZeros: false)
    }

    /// The shortest text that reads back as the same Double, without a trailing `.0`
    /// (used to echo configuration values exactly: `-0.0852`, `7`).
    public static func exact(_ x: Double) -> String {
        var s = x.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    private static func fixed(_ x: Double, fractionDigits: Int, trimZeros: Bool) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        let digits = max(0, min(fractionDigits, 9))
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(x) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e15 else { return exact(x) } // beyond exact integer range: no rounding needed
        let n = UInt64(scaled)
        let p = UInt64(scale)
        let intPart = n / p
        var frac = n % p
        var fracText = ""
        if digits > 0 {
            var chars = [Character](repeating: "0", count: digits)
            var i = digits - 1
            while i >= 0 {
                chars[i] = Character(String(frac % 10))
                frac /= 10
                i -= 1
            }
            fracText = String(chars)
            if trimZeros {
                while fracText.hasSuffix("0") { fracText.removeLast() }
            }
        }
        let negative = x < 0 && n != 0
        var text = (negative ? "-" : "") + String(intPart)
        if !fracText.isEmpty { text += "." + fracText }
        return text
    }
}
