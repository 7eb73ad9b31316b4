import Foundation
import Testing
import TACEModel
@testable import TACEMappings

/// Keeps docs/concepts.md and the worked example of docs/mappings.md true.
@Suite("Documentation")
struct DocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test("docs/concepts.md has a row for every concept")
    func everyConceptDocumented() throws {
        let text = try Self.read("docs/concepts.md")
        for c in Concept.allCases {
            #expect(text.contains("| `\(c.rawValue)` |"), "\(c.rawValue) missing from docs/concepts.md")
        }
    }

    @Test("docs/concepts.md names every LOINC code mapped by default")
    func everyDefaultLOINCDocumented() throws {
        let text = try Self.read("docs/concepts.md")
        for m in try MappingTables.defaults().codeMappings where m.system == "http://loinc.org" {
            #expect(text.contains(m.code), "LOINC \(m.code) (\(m.concept.rawValue)) not in docs/concepts.md")
        }
    }

    @Test("the worked example of docs/mappings.md loads and does what the text says")
    func workedExample() throws {
        let text = try Self.read("docs/mappings.md")
        let blocks = text.components(separatedBy: "```csv\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        // The worked example's two tables, found by their header (other examples have other headers).
        func table(_ header: String) throws -> String {
            let found = blocks.filter { $0.split(separator: "\n").first { !$0.hasPrefix("#") }?.hasPrefix(header) == true }
            try #require(found.count == 1, "one csv block with header \(header)")
            return found[0]
        }
        let t = try MappingTables.defaults().merging(codes: table("system,code,concept"), codesFile: "site/codes.csv",
                                                     values: table("concept,system,code,value"), valuesFile: "site/values.csv")
        #expect(t.concept(system: "L", code: "AFP01") == .afp)
        let unit = try #require(t.defaultUnit(system: "L", code: "AFP01"))
        #expect(t.convert(25, from: unit, for: .afp)?.conversion?.to == .ngPerML)
        #expect(t.concept(system: "urn:oid:1.2.3.4", code: "VASC") == .vascularizationPattern)
        #expect(t.value(for: .vascularizationPattern, system: "urn:oid:1.2.3.4", code: "V3") == "type-3")
        #expect(t.concept(system: "http://loinc.org", code: "1834-1") == .afp)
    }
}
