import Testing
import TACEModel
@testable import TACEMappings

@Suite("Unit spellings")
struct UnitSpellingTests {
    let tables: MappingTables
    init() throws { tables = try MappingTables.defaults() }

    /// Free-text spellings seen in OBX-6 and Quantity.unit, with the UCUM code each means.
    static let spellings: [(text: String, ucum: String)] = [
        ("mg/dl", "mg/dL"), ("mg/dL", "mg/dL"), ("mg/100ml", "mg/dL"),
        ("\u{00B5}mol/l", "umol/L"), ("\u{00B5}mol/L", "umol/L"), ("umol/l", "umol/L"),
        ("\u{03BC}mol/L", "umol/L"), ("\u{03BC}mol/l", "umol/L"),
        ("g/dl", "g/dL"), ("g/l", "g/L"),
        ("IU/ml", "[IU]/mL"), ("IU/mL", "[IU]/mL"), ("iU/mL", "[IU]/mL"), ("kIU/L", "k[IU]/L"),
        ("ng/ml", "ng/mL"), ("\u{00B5}g/l", "ug/L"), ("\u{03BC}g/l", "ug/L"), ("ug/l", "ug/L"),
        ("U/l", "U/L"), ("IU/L", "[IU]/L"), ("u/l", "U/L"),
        ("\u{00B5}kat/l", "ukat/L"), ("\u{03BC}kat/L", "ukat/L"), ("ukat/L", "ukat/L"),
        ("mg/l", "mg/L"), ("mg/L", "mg/L"),
        ("x10^9/L", "10*9/L"), ("10^9/L", "10*9/L"), ("x10E9/L", "10*9/L"), ("10*9/l", "10*9/L"),
        ("K/uL", "10*3/uL"), ("10^3/uL", "10*3/uL"), ("x10^3/\u{00B5}L", "10*3/uL"), ("x10^3/\u{03BC}L", "10*3/uL"),
        ("%", "%"), ("sec", "s"), ("s", "s"), ("seconds", "s"), ("mm", "mm"), ("cm", "cm"),
        ("mAU/ml", "m[arb'U]/mL"), ("mAU/mL", "m[arb'U]/mL"), ("INR", "{INR}"), ("ratio", "{INR}"),
    ]

    @Test("free-text spellings resolve to UCUM codes", arguments: spellings)
    func spelling(text: String, ucum: String) throws {
        let r = try #require(tables.resolveUnit(text: text))
        #expect(r.unit == UCUMUnit(ucum))
    }

    @Test("micro sign U+00B5 and Greek mu U+03BC are both read as micro")
    func micro() {
        let sign = tables.resolveUnit(text: "\u{00B5}mol/L")
        let mu = tables.resolveUnit(text: "\u{03BC}mol/L")
        #expect(sign == UnitResolution(unit: .umolPerL, viaSpelling: true))
        #expect(mu == sign)
        // Capital Greek mu as written by an all-capitals system.
        #expect(tables.resolveUnit(text: "\u{039C}MOL/L")?.unit == .umolPerL)
    }

    @Test("a UCUM code is recognised as such, a spelling is flagged")
    func viaSpellingFlag() {
        #expect(tables.resolveUnit(ucumCode: "mg/dL") == UnitResolution(unit: .mgPerDL, viaSpelling: false))
        #expect(tables.resolveUnit(ucumCode: "[IU]/mL") == UnitResolution(unit: UCUMUnit("[IU]/mL"), viaSpelling: false))
        #expect(tables.resolveUnit(ucumCode: "mg/dl") == UnitResolution(unit: .mgPerDL, viaSpelling: true))
        #expect(tables.resolveUnit(text: "umol/L") == UnitResolution(unit: .umolPerL, viaSpelling: false))
    }

    @Test("all-capitals legacy text folds to the one unit it can mean")
    func caseFolding() {
        #expect(tables.resolveUnit(text: "MG/DL")?.unit == .mgPerDL)
        #expect(tables.resolveUnit(text: "NG/ML")?.unit == .ngPerML)
        #expect(tables.resolveUnit(text: "U/L")?.unit == .unitsPerL)
        #expect(tables.resolveUnit(text: "Mm")?.unit == .mm)
        #expect(tables.resolveUnit(text: "mg / dL")?.unit == .mgPerDL)
    }

    @Test("case folding never picks between units that differ only by case")
    func ambiguousFolding() {
        #expect(tables.resolveUnit(text: "G/L")?.unit == UCUMUnit("10*9/L"))   // giga per litre (French reports)
        #expect(tables.resolveUnit(text: "g/L")?.unit == .gPerL)
        #expect(tables.resolveUnit(text: "G/l") == nil)
    }

    @Test("surrounding blanks are ignored; unknown and empty text is not guessed")
    func unknown() {
        #expect(tables.resolveUnit(text: " mg/dL ")?.unit == .mgPerDL)
        #expect(tables.resolveUnit(text: "furlongs") == nil)
        #expect(tables.resolveUnit(text: "") == nil)
        #expect(tables.resolveUnit(ucumCode: "mmol/L") == nil)
    }
}
