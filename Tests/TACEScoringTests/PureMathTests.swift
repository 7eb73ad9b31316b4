import Testing
@testable import TACEScoring

@Suite("Pure-Swift log10 and exp")
struct PureMathTests {
    // Reference values from CPython's math module (correctly rounded libm).
    @Test(arguments: [
        (10.0, 1.0), (17.104, 1.2330976878647029), (20.0, 1.3010299956639813), (34.2, 1.534026106056135),
        (51.3, 1.7101173651118162), (10.9, 1.0374264979406236), (2.0, 0.3010299956639812), (1e-300, -300.0),
        (5e-324, -323.3062153431158), (0.001, -3.0), (123456.789, 5.09151497716927), (1.0000001, 4.3429446044209946e-08),
    ])
    func log10MatchesReferenceToRelative1e15(x: Double, expected: Double) {
        let got = PureMath.log10(x)
        #expect(abs(got - expected) <= 1e-15 * max(1, abs(expected)), "log10(\(x)) = \(got), expected \(expected)")
    }

    @Test(arguments: [
        (0.0, 1.0), (1.0, 2.718281828459045), (-1.0, 0.36787944117144233), (1.388, 4.006828377237861),
        (-2.448, 0.08646634637465792), (2.498, 12.158153321534783), (-30.0, 9.357622968840175e-14),
        (30.0, 10686474581524.463), (700.0, 1.0142320547350045e+304), (0.5, 1.6487212707001282),
    ])
    func expMatchesReferenceToRelative1e15(x: Double, expected: Double) {
        let got = PureMath.exp(x)
        #expect(abs(got - expected) <= 2e-15 * expected, "exp(\(x)) = \(got), expected \(expected)")
    }

    @Test func edgeCasesOfLogAndExp() {
        #expect(PureMath.ln(0) == -.infinity)
        #expect(PureMath.ln(-1).isNaN)
        #expect(PureMath.ln(.infinity) == .infinity)
        #expect(PureMath.exp(1000) == .infinity)
        #expect(PureMath.exp(-1000) == 0)
        #expect(PureMath.logistic(0) == 0.5)
    }
}

@Suite("Number text without float noise")
struct NumberTextTests {
    @Test(arguments: [
        (15.0, 4, "15"), (6.2, 4, "6.2"), (0.1 + 0.2, 4, "0.3"), (-2.1163202, 3, "-2.116"), (60500, 4, "60500"),
        (-0.00001, 3, "0"), (5.5, 1, "5.5"), (19.5, 4, "19.5"), (0.0001, 4, "0.0001"), (1234567.891, 2, "1234567.89"),
    ])
    func decimalTrimsZerosAndNoise(x: Double, digits: Int, expected: String) {
        #expect(NumberText.decimal(x, maxFractionDigits: digits) == expected)
    }

    @Test func fixedKeepsTrailingZeros() {
        #expect(NumberText.fixed(0.08, fractionDigits: 3) == "0.080")
        #expect(NumberText.fixed(-2.5955, fractionDigits: 4) == "-2.5955")
        #expect(NumberText.fixed(-3.165, fractionDigits: 3) == "-3.165")
    }

    @Test func exactEchoesConfigurationValues() {
        #expect(NumberText.exact(-0.085) == "-0.085")
        #expect(NumberText.exact(-0.0852) == "-0.0852")
        #expect(NumberText.exact(7) == "7")
        #expect(NumberText.exact(-2.448) == "-2.448")
    }
}
