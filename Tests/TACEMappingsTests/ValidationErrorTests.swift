import Testing
import TACEModel
@testable import TACEMappings

/// Each validation rule, with the file, line and reason it reports.
@Suite("Validation errors")
struct ValidationErrorTests {
    let defaults: MappingTables
    init() throws { defaults = try MappingTables.defaults() }

    static func defaultText(_ name: String) -> String {
        DefaultMappingFiles.all.first { $0.name == name }!.text
    }

    /// Loads the default tables with one of them replaced.
    static func load(replacing name: String, with text: String) throws(MappingError) -> MappingTables {
        func pick(_ n: String) -> String { n == name ? text : defaultText(n) }
        return try MappingTables.load(
            units: pick("units.csv"), unitsFile: "mappings/units.csv",
            spellings: pick("unit-spellings.csv"), spellingsFile: "mappings/unit-spellings.csv",
            codes: pick("codes.csv"), codesFile: "mappings/codes.csv",
            values: pick("values.csv"), valuesFile: "mappings/values.csv",
            rejected: pick("rejected.csv"), rejectedFile: "mappings/rejected.csv")
    }

    func siteCodesError(_ text: String) -> MappingError? {
        do {
            _ = try defaults.merging(codes: text, codesFile: "/srv/site/codes.csv", values: nil, valuesFile: "/srv/site/values.csv")
            return nil
        } catch { return error }
    }

    func siteValuesError(_ text: String) -> MappingError? {
        do {
            _ = try defaults.merging(codes: nil, codesFile: "/srv/site/codes.csv", values: text, valuesFile: "/srv/site/values.csv")
            return nil
        } catch { return error }
    }

    func loadError(_ name: String, _ text: String) -> MappingError? {
        do {
            _ = try Self.load(replacing: name, with: text)
            return nil
        } catch { return error }
    }

    @Test("the description reads file:line: reason")
    func description() {
        #expect(MappingError(file: "mappings/codes.csv", line: 12, reason: "unknown concept 'afpp'").description
                == "mappings/codes.csv:12: unknown concept 'afpp'")
        #expect(MappingError(file: "site/codes.csv", line: 0, reason: "file is empty").description == "site/codes.csv: file is empty")
    }

    @Test("an empty file has no header: line 0")
    func emptyFile() throws {
        let e = try #require(siteCodesError(""))
        #expect(e.file == "/srv/site/codes.csv" && e.line == 0)
        #expect(e.reason.contains("header row is required"))
        let comments = try #require(siteCodesError("# only a comment\n\n"))
        #expect(comments.line == 0)
    }

    @Test("a header without a required column")
    func missingColumn() throws {
        let e = try #require(siteCodesError("# site\nsystem,code,comment\nL,X,afp\n"))
        #expect(e.file == "/srv/site/codes.csv" && e.line == 2)
        #expect(e.reason.hasPrefix("missing required column 'concept' in header"))
    }

    @Test("a header naming a column twice")
    func duplicateColumn() throws {
        let e = try #require(siteCodesError("system,code,concept,Code\n"))
        #expect(e.line == 1 && e.reason.contains("'code' appears twice"))
    }

    @Test("a row with the wrong number of fields")
    func fieldCount() throws {
        let e = try #require(siteCodesError("system,code,concept\nL,A,afp\nL,B,afp,extra\n"))
        #expect(e.line == 3)
        #expect(e.reason == "expected 3 fields (system,code,concept), found 4")
        let short = try #require(siteValuesError("concept,system,code,value\nascites,L,A\n"))
        #expect(short.file == "/srv/site/values.csv" && short.line == 2 && short.reason.contains("found 3"))
    }

    @Test("an unknown concept lists the known ones")
    func unknownConcept() throws {
        let e = try #require(siteCodesError("system,code,concept\n\nL,A,afpp\n"))
        #expect(e.line == 3)
        #expect(e.reason.hasPrefix("unknown concept 'afpp'; known concepts: afp, ggt, "))
        #expect(e.reason.contains("hcc-diagnosis"))
        #expect(e.description.hasPrefix("/srv/site/codes.csv:3: unknown concept 'afpp'"))
    }

    @Test("an empty code")
    func emptyCode() throws {
        let e = try #require(siteCodesError("system,code,concept\nL,  ,afp\n"))
        #expect(e.line == 2 && e.reason == "code is empty")
        let v = try #require(siteValuesError("concept,system,code,value\nascites,L,,slight\n"))
        #expect(v.line == 2 && v.reason == "code is empty")
    }

    @Test("a value not allowed for the concept")
    func valueNotAllowed() throws {
        let e = try #require(siteValuesError("concept,system,code,value\nvascularization-pattern,L,5,type-5\n"))
        #expect(e.file == "/srv/site/values.csv" && e.line == 2)
        #expect(e.reason == "value 'type-5' is not allowed for vascularization-pattern; allowed: type-1, type-2, type-3, type-4")
    }

    @Test("values.csv for a concept that is not coded")
    func notCoded() throws {
        let e = try #require(siteValuesError("concept,system,code,value\nafp,L,HIGH,high\n"))
        #expect(e.line == 2 && e.reason.hasPrefix("concept 'afp' is not coded"))
    }

    @Test("duplicate keys within one file")
    func duplicates() throws {
        let c = try #require(siteCodesError("system,code,concept\nhttp://loinc.org,1834-1,afp\n# again\nhttp://loinc.org, 1834-1 ,ggt\n"))
        #expect(c.line == 4 && c.reason == "duplicate mapping for http://loinc.org|1834-1 (first on line 2)")
        let v = try #require(siteValuesError("concept,system,code,value\nascites,L,1,slight\nascites,L,1,moderate\n"))
        #expect(v.line == 3 && v.reason.contains("first on line 2"))
        let u = try #require(loadError("units.csv", "concept,unit,factor,parameter\nafp,ng/mL,1,\nafp,ng/mL,1,\n"))
        #expect(u.file == "mappings/units.csv" && u.line == 3 && u.reason.contains("duplicate conversion"))
        let s = try #require(loadError("unit-spellings.csv", "text,unit\nmg/dl,mg/dL\nmg/dl,mg/dL\n"))
        #expect(s.file == "mappings/unit-spellings.csv" && s.line == 3 && s.reason.contains("duplicate spelling 'mg/dl'"))
    }

    @Test("an unterminated quote names the line it opened on")
    func unterminatedQuote() throws {
        let e = try #require(siteCodesError("system,code,concept\nL,A,afp\nL,\"B,afp\nL,C,afp\n"))
        #expect(e.file == "/srv/site/codes.csv" && e.line == 3)
        #expect(e.reason.contains("unterminated quoted field"))
    }

    @Test("a unit that is not plausible UCUM")
    func implausibleUnit() throws {
        let e = try #require(loadError("units.csv", "concept,unit,to,factor,parameter\nbilirubin-total,\u{00B5}mol/L,umol/L,1,\n"))
        #expect(e.line == 2 && e.reason.contains("not a plausible UCUM code") && e.reason.contains("'u' for micro"))
        let d = try #require(siteCodesError("system,code,concept,default_unit\nL,A,afp,[IU/mL\n"))
        #expect(d.line == 2 && d.reason.contains("unbalanced brackets"))
        let s = try #require(loadError("unit-spellings.csv", "text,unit\nmg/dl,mg dL\n"))
        #expect(s.line == 2 && s.reason.contains("blanks"))
    }

    @Test("a factor that is not a positive finite number", arguments: ["abc", "0", "-60", "inf", "nan", "", "1/0", "1/2/3"])
    func badFactor(_ factor: String) throws {
        let e = try #require(loadError("units.csv", "concept,unit,to,factor,parameter\n# x\nggt,ukat/L,U/L,\(factor),\n"))
        #expect(e.file == "mappings/units.csv" && e.line == 3)
        #expect(e.reason == "factor '\(factor)' is not a positive number (write e.g. 17.104 or 1/10)")
    }

    @Test("a units row for a concept without a canonical unit")
    func noCanonicalUnit() throws {
        let e = try #require(loadError("units.csv", "concept,unit,factor,parameter\nascites,1,1,\n"))
        #expect(e.line == 2 && e.reason.hasPrefix("concept 'ascites' has no canonical unit"))
    }

    @Test("a units row whose 'to' is not the concept's canonical unit")
    func wrongTarget() throws {
        let e = try #require(loadError("units.csv", "concept,unit,to,factor,parameter\nbilirubin-total,umol/L,mg/dL,0.058467,\n"))
        #expect(e.line == 2 && e.reason == "'to' is 'mg/dL' but the canonical unit of bilirubin-total is 'umol/L'")
        let star = try #require(loadError("units.csv", "concept,unit,to,factor,parameter\n*,mm,,1/10,\n"))
        #expect(star.reason.contains("must name its target unit"))
        let nobody = try #require(loadError("units.csv", "concept,unit,to,factor,parameter\n*,mm,m,1/1000,\n"))
        #expect(nobody.reason.hasPrefix("no concept has canonical unit 'm'"))
    }

    @Test("a canonical unit converted to itself with a factor other than 1")
    func identityFactor() throws {
        let e = try #require(loadError("units.csv", "concept,unit,to,factor,parameter\nafp,ng/mL,ng/mL,2,\n"))
        #expect(e.line == 2 && e.reason.contains("factor must be 1"))
    }

    @Test("a quantity concept whose canonical unit has no row")
    func missingIdentity() throws {
        let e = try #require(loadError("units.csv", "concept,unit,to,factor,parameter\nafp,ng/mL,ng/mL,1,\n"))
        #expect(e.file == "mappings/units.csv" && e.line == 0 && e.reason.contains("needs its canonical unit"))
    }

    @Test("one parameter with two defaults, or a malformed parameter name")
    func parameterRules() throws {
        let text = Self.defaultText("units.csv") + "\nafp,[IU]/L,ng/mL,0.00128,afp.ngPerIU,\n"
        let e = try #require(loadError("units.csv", text))
        #expect(e.reason.contains("parameter 'afp.ngPerIU' has default 1.21 on line"))
        let name = try #require(loadError("units.csv", "concept,unit,to,factor,parameter\nafp,[IU]/mL,ng/mL,1.21,afp ng per IU\n"))
        #expect(name.line == 2 && name.reason.contains("not a valid name"))
    }

    @Test("a spelling for a unit nothing converts")
    func spellingWithoutConversion() throws {
        let e = try #require(loadError("unit-spellings.csv", "text,unit\nmmol/l,mmol/L\n"))
        #expect(e.line == 2 && e.reason.contains("not used by any row of units.csv"))
    }

    @Test("default_unit on a concept that is not a quantity")
    func defaultUnitOnCoded() throws {
        let e = try #require(siteCodesError("system,code,concept,default_unit\nL,V,vascularization-pattern,1\n"))
        #expect(e.line == 2 && e.reason.contains("not a quantity"))
    }

    @Test("a code both mapped and rejected in the defaults")
    func mappedAndRejected() throws {
        let e = try #require(loadError("rejected.csv", "system,code,reason\nhttp://loinc.org,1834-1,test\n"))
        #expect(e.file == "mappings/rejected.csv" && e.reason.contains("maps it to afp"))
        let empty = try #require(loadError("rejected.csv", "system,code,reason\nhttp://loinc.org,19177-5,\n"))
        #expect(empty.line == 2 && empty.reason.contains("reason is empty"))
    }

    @Test("errors in a default table name the default file")
    func defaultFileNamed() throws {
        let e = try #require(loadError("codes.csv", "system,code,concept\nhttp://loinc.org,1834-1,afpp\n"))
        #expect(e.description.hasPrefix("mappings/codes.csv:2: unknown concept 'afpp'"))
        let v = try #require(loadError("values.csv", "concept,system,code,value\necog,L,5,5\n"))
        #expect(v.description.hasPrefix("mappings/values.csv:2: value '5' is not allowed for ecog"))
    }
}
