import Testing
import TACEModel
@testable import TACEMappings

@Suite("Unit conversion")
struct UnitConversionTests {
    let tables: MappingTables
    init() throws { tables = try MappingTables.defaults() }

    struct Case: Sendable, CustomTestStringConvertible {
        var concept: Concept
        var value: Double
        var unit: String
        var expected: Double
        var testDescription: String { "\(value) \(unit) \(concept.rawValue) -> \(expected)" }
    }

    /// Clinical reference §1 and §8.4.
    static let cases: [Case] = [
        Case(concept: .bilirubinTotal, value: 1.0, unit: "mg/dL", expected: 17.104),
        Case(concept: .bilirubinTotal, value: 17.104, unit: "umol/L", expected: 17.104),
        Case(concept: .albumin, value: 4.0, unit: "g/dL", expected: 40),
        Case(concept: .albumin, value: 2.8, unit: "g/dL", expected: 28),
        Case(concept: .afp, value: 100, unit: "[IU]/mL", expected: 121),
        Case(concept: .afp, value: 100, unit: "k[IU]/L", expected: 121),
        Case(concept: .afp, value: 80, unit: "ug/L", expected: 80),
        Case(concept: .ggt, value: 1, unit: "ukat/L", expected: 60),
        Case(concept: .ast, value: 0.5, unit: "ukat/L", expected: 30),
        Case(concept: .alt, value: 40, unit: "[IU]/L", expected: 40),
        Case(concept: .largestTumorDiameter, value: 62, unit: "mm", expected: 6.2),
        Case(concept: .largestTumorDiameter, value: 50, unit: "mm", expected: 5.0),
        Case(concept: .crp, value: 1, unit: "mg/dL", expected: 10),
        Case(concept: .platelets, value: 150, unit: "10*9/L", expected: 150),
        Case(concept: .inr, value: 1.7, unit: "1", expected: 1.7),
        Case(concept: .tumorCount, value: 3, unit: "{tumors}", expected: 3),
        Case(concept: .prothrombinTime, value: 14, unit: "s", expected: 14),
    ]

    @Test("boundary examples convert to the canonical unit", arguments: cases)
    func converts(_ c: Case) throws {
        let r = try #require(tables.convert(c.value, from: UCUMUnit(c.unit), for: c.concept))
        #expect(abs(r.value - c.expected) <= 1e-12 * max(1, abs(c.expected)))
    }

    @Test("a quotient factor divides exactly: millimetres give the shortest centimetre value")
    func exactDivision() throws {
        for mm in 1...200 {
            let r = try #require(tables.convert(Double(mm), from: .mm, for: .largestTumorDiameter))
            #expect(r.value == Double(mm) / 10)
        }
        #expect(tables.convert(62, from: .mm, for: .largestTumorDiameter)?.conversion?.factor == 0.1)
    }

    @Test("the canonical unit converts to itself with no conversion recorded")
    func identity() throws {
        for c in Concept.allCases {
            guard let unit = c.canonicalUnit else {
                #expect(tables.convert(1, from: .cm, for: c) == nil, "\(c) is not a quantity")
                continue
            }
            let r = try #require(tables.convert(2.5, from: unit, for: c), "\(c)")
            #expect(r.value == 2.5)
            #expect(r.conversion == nil, "\(c)")
        }
    }

    @Test("a change of unit is recorded even when the factor is 1")
    func recordsRelabel() throws {
        let r = try #require(tables.convert(80, from: UCUMUnit("ug/L"), for: .afp))
        #expect(r.conversion == AppliedConversion(from: UCUMUnit("ug/L"), to: .ngPerML, factor: 1, parameter: nil))
    }

    @Test("bilirubin mg/dL conversion is echoed with its factor")
    func echoesFactor() throws {
        let r = try #require(tables.convert(1.0, from: .mgPerDL, for: .bilirubinTotal))
        #expect(r.conversion == AppliedConversion(from: .mgPerDL, to: .umolPerL, factor: 17.104, parameter: nil))
    }

    @Test("DCP in ng/mL has no universal factor and is not converted")
    func dcpMass() {
        #expect(tables.convert(40, from: .ngPerML, for: .dcp) == nil)
        #expect(tables.convert(40, from: .milliArbitraryUnitsPerML, for: .dcp)?.value == 40)
    }

    @Test("molar albumin is not converted")
    func molarAlbumin() {
        #expect(tables.convert(600, from: .umolPerL, for: .albumin) == nil)
    }

    @Test("units of another concept are not borrowed")
    func noCrossConcept() {
        #expect(tables.convert(1, from: .mgPerDL, for: .albumin) == nil)
        #expect(tables.convert(1, from: .gPerDL, for: .bilirubinTotal) == nil)
        #expect(tables.convert(1, from: .mm, for: .afp) == nil)
        #expect(tables.convert(1, from: UCUMUnit("{INR}"), for: .tumorCount) == nil)
    }

    @Test("afp.ngPerIU override changes the AFP factor and is echoed")
    func overrideParameter() throws {
        let site = try tables.settingParameter("afp.ngPerIU", to: 1.28)
        #expect(site.parameters["afp.ngPerIU"] == 1.28)
        let r = try #require(site.convert(100, from: UCUMUnit("[IU]/mL"), for: .afp))
        #expect(abs(r.value - 128) < 1e-9)
        #expect(r.conversion == AppliedConversion(from: UCUMUnit("[IU]/mL"), to: .ngPerML, factor: 1.28, parameter: "afp.ngPerIU"))
        #expect(site.convert(100, from: UCUMUnit("k[IU]/L"), for: .afp)?.conversion?.factor == 1.28)
        #expect(site.summary.contains("afp.ngPerIU=1.28 (default 1.21)"))
        // The defaults are untouched.
        #expect(tables.convert(100, from: UCUMUnit("[IU]/mL"), for: .afp)?.conversion?.parameter == "afp.ngPerIU")
        #expect(tables.parameters["afp.ngPerIU"] == 1.21)
    }

    @Test("overriding an unknown parameter or with a non-positive value fails")
    func badOverride() {
        #expect(throws: MappingError.self) { try tables.settingParameter("afp.ngPerUI", to: 1.28) }
        for bad in [0, -1.21, .infinity, .nan] {
            #expect(throws: MappingError.self) { try tables.settingParameter("afp.ngPerIU", to: bad) }
        }
        do {
            _ = try tables.settingParameter("afp.ngperiu", to: 1.28)
            Issue.record("expected an error")
        } catch {
            #expect(error.reason.contains("unknown parameter 'afp.ngperiu'"))
            #expect(error.reason.contains("afp.ngPerIU"))
        }
    }
}
