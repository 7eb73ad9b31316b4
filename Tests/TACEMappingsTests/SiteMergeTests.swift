import Testing
import TACEModel
@testable import TACEMappings

@Suite("Site tables merged over the defaults")
struct SiteMergeTests {
    let defaults: MappingTables
    init() throws { defaults = try MappingTables.defaults() }

    static let siteCodes = """
        # Example lab: local codes, with a column of its own
        system,code,concept,default_unit,comment
        http://loinc.org,1834-1,afp,ug/L,"our analyser reports ug/L, not ng/mL"
        L,AFP01,afp,ng/mL,local AFP test
        L,VASC,vascularization-pattern,,radiology worklist item
        """

    static let siteValues = """
        concept,system,code,value
        vascularization-pattern,urn:oid:1.2.3.4,V3,type-3
        vascularization-pattern,urn:oid:1.2.3.4,V4,type-4
        """

    @Test("a site codes.csv with extra columns overrides a default and adds local codes")
    func codesOverrideAndAdd() throws {
        let t = try defaults.merging(codes: Self.siteCodes, codesFile: "/etc/site/codes.csv", values: nil, valuesFile: "/etc/site/values.csv")
        #expect(t.defaultUnit(system: "http://loinc.org", code: "1834-1") == UCUMUnit("ug/L"))
        #expect(t.concept(system: "L", code: "AFP01") == .afp)
        #expect(t.defaultUnit(system: "L", code: "AFP01") == .ngPerML)
        #expect(t.concept(system: "L", code: "VASC") == .vascularizationPattern)
        // Other defaults stay.
        #expect(t.concept(system: "http://loinc.org", code: "19176-7") == .afp)
        let row = try #require(t.codeMappings.first { $0.system == "L" && $0.code == "AFP01" })
        #expect(row.file == "/etc/site/codes.csv" && row.line == 4)
        // The defaults value is unchanged.
        #expect(defaults.concept(system: "L", code: "AFP01") == nil)
    }

    @Test("a site row giving a default code another concept is recorded as an override; same concept is not")
    func conceptChangesAreRecorded() throws {
        let codes = """
            system,code,concept
            http://loinc.org,1834-1,afp
            http://loinc.org,1751-7,ggt
            L,NEW,ggt
            """
        let t = try defaults.merging(codes: codes, codesFile: "site/codes.csv", values: nil, valuesFile: "site/values.csv")
        #expect(t.concept(system: "http://loinc.org", code: "1751-7") == .ggt)  // the site wins …
        #expect(t.siteOverrides.count == 1)                                          // … and it is said
        let o = try #require(t.siteOverrides.first)
        #expect(o.key == "http://loinc.org|1751-7" && o.defaultMeaning == "albumin" && o.siteMeaning == "ggt")
        #expect(o.siteFile == "site/codes.csv" && o.siteLine == 3 && o.defaultFile == "mappings/codes.csv" && o.defaultLine > 0)
        #expect(defaults.siteOverrides.isEmpty)
    }

    @Test("a site row giving a default coded answer another value is recorded as an override")
    func valueChangesAreRecorded() throws {
        let system = "https://tacebridge.org/fhir/CodeSystem/vascularization-pattern"
        #expect(defaults.value(for: .vascularizationPattern, system: system, code: "type-1") == "type-1")
        let changed = "concept,system,code,value\nvascularization-pattern,\(system),type-1,type-2\n"
        let t = try defaults.merging(codes: nil, codesFile: "", values: changed, valuesFile: "site/values.csv")
        #expect(t.siteOverrides.map(\.description) == [
            "site/values.csv:2: vascularization-pattern \(system)|type-1 → type-2 overrides mappings/values.csv:\(try #require(t.siteOverrides.first).defaultLine) (→ type-1)",
        ])
        let same = "concept,system,code,value\nvascularization-pattern,\(system),type-1,type-1\n"
        #expect(try defaults.merging(codes: nil, codesFile: "", values: same, valuesFile: "site/values.csv").siteOverrides.isEmpty)
    }

    @Test("a site values.csv maps local vascularization code V3 to type-3")
    func localValue() throws {
        let t = try defaults.merging(codes: nil, codesFile: "site/codes.csv", values: Self.siteValues, valuesFile: "site/values.csv")
        #expect(t.value(for: .vascularizationPattern, system: "urn:oid:1.2.3.4", code: "V3") == "type-3")
        #expect(t.value(for: .vascularizationPattern, system: "urn:oid:1.2.3.4", code: "V4") == "type-4")
        #expect(t.value(for: .portalVeinInvasion, system: "urn:oid:1.2.3.4", code: "V3") == nil)
        #expect(t.value(for: .vascularizationPattern, system: TACECodeSystems.values(of: .vascularizationPattern), code: "type-1") == "type-1")
    }

    @Test("a site values row overrides the default with the same key")
    func valueOverride() throws {
        let site = "concept,system,code,value\nascites,{base}/CodeSystem/ascites,slight,moderate\n"
        let t = try defaults.merging(codes: nil, codesFile: "c", values: site, valuesFile: "v")
        #expect(t.value(for: .ascites, system: TACECodeSystems.values(of: .ascites), code: "slight") == "moderate")
    }

    @Test("either site file may be absent")
    func absentFiles() throws {
        let none = try defaults.merging(codes: nil, codesFile: "c", values: nil, valuesFile: "v")
        #expect(none.summary == defaults.summary)
        let codesOnly = try defaults.merging(codes: Self.siteCodes, codesFile: "c", values: nil, valuesFile: "v")
        #expect(codesOnly.concept(system: "L", code: "AFP01") == .afp)
        let valuesOnly = try defaults.merging(codes: nil, codesFile: "c", values: Self.siteValues, valuesFile: "v")
        #expect(valuesOnly.value(for: .vascularizationPattern, system: "urn:oid:1.2.3.4", code: "V3") == "type-3")
    }

    @Test("a header-only site file adds nothing")
    func headerOnly() throws {
        let t = try defaults.merging(codes: "system,code,concept\n", codesFile: "c", values: "concept,system,code,value", valuesFile: "v")
        #expect(t.summary == defaults.summary)
    }

    @Test("a site may map a code that the defaults reject")
    func siteOverridesRejection() throws {
        #expect(defaults.rejectionReason(system: "http://loinc.org", code: "54347-0") != nil)
        let t = try defaults.merging(codes: "system,code,concept\nhttp://loinc.org,54347-0,albumin\n", codesFile: "c", values: nil, valuesFile: "v")
        #expect(t.concept(system: "http://loinc.org", code: "54347-0") == .albumin)
        #expect(t.rejectionReason(system: "http://loinc.org", code: "54347-0") == nil)
    }

    @Test("a site default_unit must be convertible for its concept")
    func siteDefaultUnitChecked() {
        let site = "system,code,concept,default_unit\nL,ALB,albumin,mg/dL\n"
        #expect(throws: MappingError(file: "site/codes.csv", line: 2,
                                     reason: "default_unit 'mg/dL' cannot be converted to g/L for albumin (no row in units.csv)")) {
            try defaults.merging(codes: site, codesFile: "site/codes.csv", values: nil, valuesFile: "site/values.csv")
        }
    }

    @Test("{base} expands in site tables too")
    func baseInSite() throws {
        let site = "system,code,concept\n{base}/CodeSystem/local,x1,ggt\n"
        let t = try defaults.merging(codes: site, codesFile: "c", values: nil, valuesFile: "v")
        #expect(t.concept(system: "https://tacebridge.org/fhir/CodeSystem/local", code: "x1") == .ggt)
    }
}
