import Foundation
import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML
@testable import TACESiteXMLReader

/// Keeps the xml-formats.csv example of docs/mappings.md true: its rows load and pass the XPath
/// check, and its document gives the observations the text says.
@Suite("docs/mappings.md xml-formats.csv example")
struct DocsTests {
    @Test("the Northgate example reads as described: AFP 25 IU/mL = 30.25 ng/mL, GGT 0.9 µkat/L = 54 U/L")
    func northgateExample() throws {
        let text = try String(contentsOf: Files.root.appendingPathComponent("docs/mappings.md"), encoding: .utf8)
        func block(_ fence: String, header: String) throws -> String {
            let found = text.components(separatedBy: "```\(fence)\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
                .filter { $0.contains(header) }
            try #require(found.count == 1, "one \(fence) block containing \(header)")
            return found[0]
        }
        let tables = try MappingTables.defaults()
            .mergingXMLFormats(block("csv", header: "format,role,key,value"), file: "site/xml-formats.csv")
            .mergingHL7v2(codingSystems: nil, codingSystemsFile: "", authorities: block("csv", header: "authority,system"),
                          authoritiesFile: "site/assigning-authorities.csv")
        try SiteXMLFormatCheck.check(tables.xmlFormats)

        let document = try XMLDocument.parse(block("xml", header: "urn:example:northgate:lis:2"))
        let reader = SiteXMLReader(mappings: tables)
        let root = try #require(document.root)
        let format = try #require(reader.format(for: root))
        #expect(format.name == "northgate-lis")
        var out = FHIRReadOutput()
        try reader.read(document, format: format, file: "report.xml", into: &out)

        #expect(out.observations.map(\.concept) == [.afp, .ggt])
        #expect(out.observations.map(\.value.measurement) == [Measurement(30.25, .ngPerML), Measurement(54, .unitsPerL)])
        for o in out.observations {
            #expect(o.status == .final)
            #expect(o.patient.identifiers == [PatientIdentifier(system: "https://fhir.northgate-hospital.test/sid/mrn", value: "NG-4711")])
            #expect(o.effective?.fhirDateTime == "2025-02-03T08:10:00+01:00")
        }
        #expect(out.report.skippedTotal == 0)
    }
}
