import Foundation
import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML
@testable import TACESiteXMLReader

enum Files {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(path)))
    }
}

let siteFile = "/srv/site/xml-formats.csv"

/// Rows of a test format `acme` (root `a:Report` in urn:example:acme:1): `role → XPath` for the
/// XPath roles, replacing the defaults below or adding to them; nil removes a role.
func acmeRows(_ changes: [String: String?] = [:], extra: [String] = []) -> String {
    var roles: [(String, String)] = [
        ("record", "/a:Report/a:Result"),
        ("patient-id", "/a:Report/a:Patient/@id"),
        ("patient-id-system", "/a:Report/a:Patient/@authority"),
        ("code", "a:Code"),
        ("code-system", "a:Code/@system"),
        ("display", "a:Code/@name"),
        ("value", "a:Value"),
        ("unit", "a:Value/@unit"),
        ("comparator", "a:Value/@comparator"),
        ("time", "a:Time"),
        ("status", "@status"),
        ("record-id", "@id"),
        ("note", "a:Note"),
    ]
    for (role, xpath) in changes {
        roles.removeAll { $0.0 == role }
        if let xpath { roles.append((role, xpath)) }
    }
    var rows = ["format,role,key,value", "acme,root,Report,urn:example:acme:1", "acme,namespace,a,urn:example:acme:1"]
    rows += roles.map { "acme,\($0.0),,\"\($0.1.replacingOccurrences(of: "\"", with: "\"\""))\"" }
    let removesStatus = changes.keys.contains("status") && changes["status"]! == nil
    if !removesStatus {
        rows += ["acme,status-map,F,final", "acme,status-map,P,preliminary", "acme,status-map,C,corrected",
                 "acme,status-map,X,cancelled", "acme,status-map,E,entered-in-error"]
    }
    rows += extra
    return rows.joined(separator: "\n") + "\n"
}

/// The default tables with `rows` as the site's xml-formats.csv, and `authorities` as its assigning-authorities.csv.
func tables(_ rows: String = acmeRows(), authorities: String? = nil) throws -> MappingTables {
    try MappingTables.defaults().mergingXMLFormats(rows, file: siteFile)
        .mergingHL7v2(codingSystems: nil, codingSystemsFile: "", authorities: authorities, authoritiesFile: "/srv/site/assigning-authorities.csv")
}

/// A report document with the given `<a:Result>` elements.
func report(_ results: [String], patient: String = "<a:Patient id=\"P-77\" authority=\"HOSP\"/>") -> String {
    "<?xml version=\"1.0\"?>\n<a:Report xmlns:a=\"urn:example:acme:1\">\n\(patient)\n" + results.joined(separator: "\n") + "\n</a:Report>\n"
}

/// One result element; attributes and children as given.
func result(code: String = "<a:Code system=\"LN\" name=\"Albumin\">1751-7</a:Code>", value: String = "<a:Value unit=\"g/dL\">3.9</a:Value>",
            time: String = "<a:Time>2025-01-08T07:30:00+01:00</a:Time>", status: String = "F", id: String = "R1", extra: String = "") -> String {
    "<a:Result id=\"\(id)\" status=\"\(status)\">\(code)\(value)\(time)\(extra)</a:Result>"
}

/// Reads `xml` as format `acme` with `tables`.
func read(_ xml: String, tables: MappingTables? = nil, policy: InvalidResourcePolicy = .skip, file: String = "report.xml") throws -> FHIRReadOutput {
    let t = try tables ?? acmeTables()
    let document = try XMLDocument.parse(xml)
    let reader = SiteXMLReader(mappings: t, invalidPolicy: policy)
    let root = try #require(document.root)
    let format = try #require(reader.format(for: root))
    var out = FHIRReadOutput()
    try reader.read(document, format: format, file: file, into: &out)
    return out
}

func acmeTables() throws -> MappingTables { try tables() }

func only(_ out: FHIRReadOutput) throws -> TypedObservation {
    try #require(out.observations.count == 1, "expected one observation; skipped: \(out.report.items.map { "\($0.kind.rawValue): \($0.detail)" })")
    return out.observations[0]
}

func skipped(_ out: FHIRReadOutput) throws -> SkippedItem {
    try #require(out.observations.isEmpty && out.report.items.count == 1, "expected one skipped item: \(out.observations.count) observations, \(out.report.items)")
    return out.report.items[0]
}
