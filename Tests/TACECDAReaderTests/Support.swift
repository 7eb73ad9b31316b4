import Foundation
import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML
@testable import TACECDAReader

/// Parses and reads CDA text with the default tables (or `mappings`).
func read(xml: String, file: String = "test.xml", policy: InvalidResourcePolicy = .fail, mappings: MappingTables? = nil) throws -> FHIRReadOutput {
    try read(bytes: Array(xml.utf8), file: file, policy: policy, mappings: mappings)
}

func read(bytes: [UInt8], file: String = "test.xml", policy: InvalidResourcePolicy = .fail, mappings: MappingTables? = nil) throws -> FHIRReadOutput {
    let reader = CDAReader(mappings: try mappings ?? MappingTables.defaults(), invalidPolicy: policy)
    var out = FHIRReadOutput()
    try reader.read(try CDAReader.parse(bytes), file: file, into: &out)
    return out
}

let loinc = "2.16.840.1.113883.6.1"
let project = "2.25.266675152872840268072037486434022479387"
let imaging = project + ".1.1"
let procedures = project + ".1.3"

/// A ClinicalDocument for one fictitious patient whose first section holds `entries`.
func document(_ entries: [String], patient: String = #"<id root="2.999.1.2.3" extension="MRN-1"/>"#,
              extraSections: [String] = []) -> String {
    let sections = ([entries] + extraSections.map { [$0] }).map { section in
        """
        <component><section>
          <code code="30954-2" codeSystem="\(loinc)"/>
          \(section.map { "<entry>" + $0 + "</entry>" }.joined(separator: "\n"))
        </section></component>
        """
    }
    return """
    <?xml version="1.0" encoding="UTF-8"?>
    <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
      <id root="2.999.9" extension="DOC-1"/>
      <code code="11502-2" codeSystem="\(loinc)"/>
      <effectiveTime value="20250107120000+0100"/>
      <recordTarget><patientRole>\(patient)<patient><name><given>Test</given></name></patient></patientRole></recordTarget>
      <component><structuredBody>
      \(sections.joined(separator: "\n"))
      </structuredBody></component>
    </ClinicalDocument>
    """
}

/// A result observation (C-CDA Result Observation shape).
func observation(code: String = "1751-7", system: String = loinc, mood: String = "EVN", status: String? = "completed",
                 time: String? = "20250106073000+0100", value: String, extra: String = "", attributes: String = "") -> String {
    """
    <observation classCode="OBS" moodCode="\(mood)"\(attributes)>
      <templateId root="2.16.840.1.113883.10.20.22.4.2"/>
      <id root="2.999.9.1" extension="\(code)-\(mood)"/>
      <code code="\(code)" codeSystem="\(system)"/>
      \(status.map { "<statusCode code=\"\($0)\"/>" } ?? "")
      \(time.map { "<effectiveTime value=\"\($0)\"/>" } ?? "")
      \(value)
      \(extra)
    </observation>
    """
}

/// One observation in a document, read.
func readOne(_ observationXML: String, mappings: MappingTables? = nil) throws -> FHIRReadOutput {
    try read(xml: document([observationXML]), mappings: mappings)
}

func only(_ out: FHIRReadOutput) throws -> TypedObservation {
    try #require(out.observations.count == 1, "expected one observation, got \(out.observations.count); skipped: \(out.report.items.map { "\($0.kind.rawValue): \($0.detail)" })")
    return out.observations[0]
}

/// The one skipped item of a read that produced no observation.
func onlySkip(_ out: FHIRReadOutput) throws -> SkippedItem {
    #expect(out.observations.isEmpty)
    try #require(out.report.items.count == 1, "expected one skipped item, got \(out.report.items.map { "\($0.kind.rawValue): \($0.detail)" })")
    return out.report.items[0]
}

/// The shared conformance corpus (`../shared/corpus`, or `TACE_CORPUS`).
enum Corpus {
    static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["TACE_CORPUS"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }()

    /// Relative paths of the README rows whose format column is `cda`.
    static let cdaFiles: [String] = {
        guard let readme = try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8) else { return [] }
        return readme.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| "), line.contains("| cda |") else { return nil }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count > 2 else { return nil }
            let path = cells[2].trimmingCharacters(in: .whitespaces)
            guard path.hasPrefix("`"), path.hasSuffix("`") else { return nil }
            return String(path.dropFirst().dropLast())
        }
    }()

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    /// Reads the one listed file whose path ends with `suffix`.
    static func read(_ suffix: String, mappings: MappingTables? = nil) throws -> FHIRReadOutput {
        let matches = cdaFiles.filter { $0.hasSuffix(suffix) }
        try #require(matches.count == 1, "expected one corpus file ending in \(suffix), found \(matches.count)")
        return try TACECDAReaderTests.read(bytes: try bytes(matches[0]), file: suffix, mappings: mappings)
    }
}
