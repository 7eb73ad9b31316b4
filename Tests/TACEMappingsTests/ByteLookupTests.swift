import Testing
import TACEModel
@testable import TACEMappings

/// The byte lookups the HL7 v2 reader uses must answer exactly as the String lookups.
@Suite struct ByteLookupTests {
    let tables: MappingTables
    init() throws { tables = try MappingTables.defaults() }

    func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = text
        return text.withUTF8(body)
    }

    func byteLookup(_ t: MappingTables, name: String, code: String) -> CodeLookup? {
        let key = withBytes(name) { t.hl7v2CodingSystem($0) }
        return withBytes(code) { t.lookup(key, code: $0) }
    }

    func stringLookup(_ t: MappingTables, name: String, code: String) -> CodeLookup? {
        let system: String? = name.isEmpty ? nil : t.codeSystem(hl7v2Name: name)
        if let concept = t.concept(system: system, code: code) {
            return .concept(concept, defaultUnit: t.defaultUnit(system: system, code: code))
        }
        return t.rejectionReason(system: system, code: code).map { .rejected(reason: $0) }
    }

    @Test func everyDefaultCodeIsFoundByItsSystemAndByItsHL7Name() {
        for mapping in tables.codeMappings {
            #expect(byteLookup(tables, name: mapping.system, code: mapping.code) == stringLookup(tables, name: mapping.system, code: mapping.code))
            #expect(byteLookup(tables, name: mapping.system, code: mapping.code) == .concept(mapping.concept, defaultUnit: mapping.defaultUnit))
        }
        #expect(byteLookup(tables, name: "LN", code: "1751-7") == .concept(.albumin, defaultUnit: nil))
        #expect(byteLookup(tables, name: "2.16.840.1.113883.6.1", code: "1834-1") == .concept(.afp, defaultUnit: .ngPerML))
    }

    @Test(arguments: [("LN", "19177-5"), ("LN", " 1751-7\u{00A0}"), ("\tLN ", "1751-7"), ("LN", "2951-2"), ("L", "ALB"),
                      ("", "1751-7"), ("XX", ""), ("SCT", "233527006"), ("LN", "1751-7 x"), ("ln", "1751-7"), ("LN", "1751–7")])
    func answersAsTheStringLookups(_ name: String, _ code: String) {
        #expect(byteLookup(tables, name: name, code: code) == stringLookup(tables, name: name, code: code))
    }

    @Test func hl7NamesResolveToTheirURIOrThemselves() {
        #expect(withBytes("LN") { tables.hl7v2CodingSystem($0) }.uri == "http://loinc.org")
        let local = withBytes(" 99LAB ") { tables.hl7v2CodingSystem($0) }
        #expect(local.uri == nil)
        #expect(withBytes(" 99LAB ") { local.text(name: $0) } == "99LAB")
    }

    @Test func siteRowsAreFoundAfterAMerge() throws {
        let site = try tables.merging(codes: "system,code,concept\n99LAB,ALB1,albumin\nhttp://loinc.org,2951-2,crp\n", codesFile: "codes.csv",
                                      values: "concept,system,code,value\nvascularization-pattern,99LAB,V3,type-3\n", valuesFile: "values.csv")
        #expect(byteLookup(site, name: "99LAB", code: "ALB1") == .concept(.albumin, defaultUnit: nil))
        #expect(byteLookup(site, name: "LN", code: "2951-2") == .concept(.crp, defaultUnit: nil))
        #expect(byteLookup(tables, name: "LN", code: "2951-2") == nil)
        let key = withBytes("99LAB") { site.hl7v2CodingSystem($0) }
        #expect(withBytes("V3") { site.value(for: .vascularizationPattern, system: key, code: $0) } == "type-3")
        #expect(withBytes("V3") { site.value(for: .mrecistResponse, system: key, code: $0) } == nil)
    }

    @Test(arguments: ["mg/dL", "mg/dl", " g/L ", "µmol/l", "μmol/L", "UMOL/L", "10*3/uL", "K/uL", "furlongs", "", "G/L"])
    func unitsResolveAsTheStringLookup(_ text: String) {
        #expect(withBytes(text) { tables.resolveUnit(bytes: $0) } == tables.resolveUnit(text: text))
    }
}
