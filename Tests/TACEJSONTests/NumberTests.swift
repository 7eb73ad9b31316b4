import Testing
import TACEJSON

private func number(_ token: String) throws -> JSONValue {
    try #require(try parse("[" + token + "]").root[0])
}

@Suite("Number conversion")
struct NumberTests {
    @Test func intAcceptsOnlyExactIntegersInRange() throws {
        let cases: [(String, Int?)] = [
            ("0", 0), ("-0", 0), ("3", 3), ("-3", -3), ("3.0", 3), ("3e2", 300), ("3E+2", 300), ("30e-1", 3),
            ("10.0e-1", 1), ("0.000", 0), ("0e999999999", 0), ("1.50e1", 15), ("120.00", 120),
            ("3.5", nil), ("1e-1", nil), ("0.5", nil), ("1e30", nil), ("1e999999999", nil),
            ("9223372036854775807", Int.max), ("9223372036854775808", nil),
            ("-9223372036854775808", Int.min), ("-9223372036854775809", nil),
            ("922337203685477580.7e1", Int.max), ("0.0000000000000000000000000001e28", 1),
        ]
        for (token, expected) in cases {
            #expect(try number(token).int == expected, "\(token)")
        }
    }

    @Test func doubleIsCorrectlyRounded() throws {
        let cases: [(String, Double?)] = [
            ("0", 0), ("-0", -0.0), ("1", 1), ("4.10", 4.1), ("0.1", 0.1), ("-2.448", -2.448), ("0.773", 0.773),
            ("1e-7", 1e-7), ("1E+3", 1000), ("123456789012345678901234567890", 1.2345678901234568e29),
            ("9007199254740993", 9_007_199_254_740_992), ("0.30000000000000004", 0.1 + 0.2),
            ("2.2250738585072014e-308", 2.2250738585072014e-308), ("4.9e-324", Double.leastNonzeroMagnitude), ("1e-400", 0),
            ("1.7976931348623157e308", Double.greatestFiniteMagnitude),
            ("17976931348623159e292", nil), ("1e400", nil), ("-1e400", nil),
            ("0.000000000000000000000000000000000000000000001", 1e-45), ("123.456e-2", 1.23456),
        ]
        for (token, expected) in cases {
            let value = try number(token).double
            #expect(value == expected, "\(token)")
            if let value, let expected { #expect(value.sign == expected.sign, "\(token)") }
        }
    }

    @Test func doubleAgreesWithStandardLibraryOnGeneratedTokens() throws {
        var rng = SplitMix64(seed: 99)
        for _ in 0 ..< 3_000 {
            var token = Bool.random(using: &rng) ? "-" : ""
            let intDigits = Int.random(in: 1 ... 20, using: &rng)
            token += String(Int.random(in: 1 ... 9, using: &rng))
            for _ in 1 ..< intDigits { token += String(Int.random(in: 0 ... 9, using: &rng)) }
            if Bool.random(using: &rng) {
                token += "."
                for _ in 0 ..< Int.random(in: 1 ... 20, using: &rng) { token += String(Int.random(in: 0 ... 9, using: &rng)) }
            }
            if Bool.random(using: &rng) { token += "e" + String(Int.random(in: -330 ... 330, using: &rng)) }
            let expected = Double(token).flatMap { $0.isFinite ? $0 : nil }
            #expect(try number(token).double == expected, "\(token)")
        }
    }
}
