import Testing
import TACEModel
@testable import TACEMappings

/// xml-formats.csv: each structural rule, with the file, line and reason it reports. (Whether the
/// XPaths compile is checked by TACESiteXMLReader, which knows XML.)
@Suite("xml-formats.csv")
struct XMLFormatTableTests {
    let defaults: MappingTables
    init() throws { defaults = try MappingTables.defaults() }

    static let file = "/srv/site/xml-formats.csv"

    /// A valid format `acme` with `extra` rows appended (and rows containing `without` removed).
    static func acme(_ extra: [String] = [], without: String? = nil) -> String {
        let rows = [
            "format,role,key,value",
            "acme,root,Report,urn:example:acme:1",
            "acme,namespace,a,urn:example:acme:1",
            "acme,record,,/a:Report/a:Result",
            "acme,patient-id,,/a:Report/a:PatientId",
            "acme,code,,a:Code",
            "acme,value,,a:Value",
        ].filter { without == nil || !$0.contains(without!) } + extra
        return rows.joined(separator: "\n") + "\n"
    }

    func siteError(_ text: String) -> MappingError? {
        do {
            _ = try defaults.mergingXMLFormats(text, file: Self.file)
            return nil
        } catch { return error }
    }

    @Test("the default table describes the example format kestrel-lab-report")
    func defaultFormat() throws {
        let format = try #require(defaults.xmlFormat(rootName: "LabReport", namespace: "urn:example:kestrel:labreport:3"))
        #expect(format.name == "kestrel-lab-report")
        #expect(format.namespaces == ["k": "urn:example:kestrel:labreport:3", "d": "urn:example:kestrel:demographics:1"])
        #expect(format.expression(.record)?.xpath == "/k:LabReport/k:Results/k:Analysis")
        #expect(format.expression(.codeSystem)?.xpath == "'http://loinc.org'")
        #expect(format.statusMap["FIN"] == .final)
        #expect(format.statusMap["CAN"] == .cancelled)
        #expect(format.file == "mappings/xml-formats.csv")
        #expect(defaults.xmlFormat(rootName: "LabReport", namespace: nil) == nil)
    }

    @Test("a site format is added; its rows carry file and line")
    func siteFormatAdded() throws {
        let t = try defaults.mergingXMLFormats(Self.acme(), file: Self.file)
        let format = try #require(t.xmlFormat(rootName: "Report", namespace: "urn:example:acme:1"))
        #expect(format.expression(.code) == XMLFormatExpression(xpath: "a:Code", file: Self.file, line: 6))
        #expect(format.line == 2)
        #expect(t.xmlFormats.map(\.name) == ["acme", "kestrel-lab-report"])
    }

    @Test("a site format replaces the default format of the same name as a whole")
    func siteFormatReplaces() throws {
        let text = Self.acme().replacingOccurrences(of: "acme,", with: "kestrel-lab-report,")
        let t = try defaults.mergingXMLFormats(text, file: Self.file)
        #expect(t.xmlFormats.count == 1)
        let format = try #require(t.xmlFormat(rootName: "Report", namespace: "urn:example:acme:1"))
        #expect(format.name == "kestrel-lab-report")
        #expect(format.statusMap.isEmpty)
        #expect(t.xmlFormat(rootName: "LabReport", namespace: "urn:example:kestrel:labreport:3") == nil)
        // Never silent: listed with the site overrides.
        let override = try #require(t.siteOverrides.last)
        #expect(override.key == "xml format kestrel-lab-report")
        #expect(override.siteFile == Self.file && override.siteLine == 2)
        #expect(override.defaultFile == "mappings/xml-formats.csv")
        #expect(override.description.contains("root {urn:example:acme:1}Report (the whole format replaced) overrides mappings/xml-formats.csv:"))
        // Adding a format overrides nothing.
        #expect(try defaults.mergingXMLFormats(Self.acme(), file: Self.file).siteOverrides.isEmpty)
    }

    @Test("two formats may not claim the same root element")
    func sameRoot() {
        let text = Self.acme().replacingOccurrences(of: "Report,urn:example:acme:1", with: "LabReport,urn:example:kestrel:labreport:3")
        let error = siteError(text)
        #expect(error?.line == 2)
        #expect(error?.reason.contains("same root element as 'kestrel-lab-report'") == true)
    }

    @Test("each required role is required", arguments: ["root", "record", "patient-id", "code", "value"])
    func required(role: String) {
        let error = siteError(Self.acme(without: "acme,\(role),"))
        #expect(error?.file == Self.file)
        #expect(error?.reason.contains(role == "root" ? "has no root row" : "has no \(role) row") == true)
    }

    @Test("rows that break the structure stop loading at their line")
    func badRows() {
        let cases: [(String, String)] = [
            ("acme,colour,,x", "unknown role 'colour'"),
            ("acme,code,,a:Other", "second code row for format 'acme' (first on line 6)"),
            ("acme,unit,x,a:Unit", "role unit takes no key"),
            ("acme,unit,,", "role unit needs an XPath"),
            ("acme,namespace,a,urn:example:other", "prefix 'a' declared twice"),
            ("acme,namespace,b,", "namespace 'b' needs its URI"),
            ("acme,namespace,xmlns,urn:x", "prefix 'xmlns' is not a usable XML prefix"),
            ("acme,namespace,b,not a uri", "is not a namespace URI"),
            ("acme,root,Other,urn:x", "second root row"),
            ("Acme,root,R,urn:x", "format 'Acme' is not a valid name"),
            (",root,R,urn:x", "format is empty"),
            ("acme,status-map,F,done", "status-map value 'done' is not an observation status"),
        ]
        for (row, reason) in cases {
            let error = siteError(Self.acme([row]))
            #expect(error?.line == 8, "\(row)")
            #expect(error?.reason.contains(reason) == true, "\(row): \(error?.reason ?? "no error")")
        }
    }

    @Test("a root in the HL7 v2 XML namespace is refused: TACEBridge reads HL7 v2 XML itself")
    func v2xmlRoot() {
        let error = siteError(Self.acme().replacingOccurrences(of: "Report,urn:example:acme:1", with: "ORU_R01,urn:hl7-org:v2xml"))
        #expect(error?.line == 2)
        #expect(error?.reason.contains("HL7 v2 XML") == true)
    }

    @Test("a status needs a status map, and a status map with written statuses needs a status")
    func statusRules() throws {
        #expect(siteError(Self.acme(["acme,status,,@state"]))?.reason.contains("no status-map rows") == true)
        let orphan = siteError(Self.acme(["acme,status-map,F,final"]))
        #expect(orphan?.line == 8)
        #expect(orphan?.reason.contains("has no status row") == true)
        // The empty key ("no status") applies without a status row: every record is final.
        let t = try defaults.mergingXMLFormats(Self.acme(["acme,status-map,,final"]), file: Self.file)
        #expect(t.xmlFormat(rootName: "Report", namespace: "urn:example:acme:1")?.statusMap == ["": .final])
    }

    @Test("a root without namespace is allowed and matches only a root in no namespace")
    func rootWithoutNamespace() throws {
        let text = Self.acme().replacingOccurrences(of: "acme,root,Report,urn:example:acme:1", with: "acme,root,Report,")
        let t = try defaults.mergingXMLFormats(text, file: Self.file)
        #expect(t.xmlFormat(rootName: "Report", namespace: nil)?.name == "acme")
        #expect(t.xmlFormat(rootName: "Report", namespace: "urn:example:acme:1") == nil)
    }

    @Test("an absent site file changes nothing")
    func absent() throws {
        #expect(try defaults.mergingXMLFormats(nil, file: Self.file).xmlFormats == defaults.xmlFormats)
    }
}
