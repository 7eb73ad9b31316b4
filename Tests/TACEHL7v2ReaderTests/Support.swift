import Foundation
import Testing
import TACEFHIRReader
import TACEHL7v2
import TACEMappings
import TACEModel
@testable import TACEHL7v2Reader

/// Reads ER7 text (segments joined with CR) with the default tables, or `mappings`.
func read(_ segments: [String], policy: InvalidResourcePolicy = .fail, mappings: MappingTables? = nil) throws -> FHIRReadOutput {
    try read(bytes: Array((segments.joined(separator: "\r") + "\r").utf8), policy: policy, mappings: mappings)
}

func read(bytes: [UInt8], file: String = "test.hl7", policy: InvalidResourcePolicy = .fail, mappings: MappingTables? = nil) throws -> FHIRReadOutput {
    let reader = HL7v2Reader(mappings: try mappings ?? MappingTables.defaults(), invalidPolicy: policy)
    var out = FHIRReadOutput()
    try reader.read(try HL7Parser.parse(bytes), file: file, into: &out)
    return out
}

let msh = "MSH|^~\\&|LAB|HOSP|TACE|ONCO|20250108090000+0100||ORU^R01^ORU_R01|M1|P|2.5.1"
let pid = "PID|1||4711^^^HOSP^MR||Doe^Jane||19500101|F"
let obr = "OBR|1||F1|24325-3^Hepatic function panel^LN|||20250108081500+0100||||||||||||||||||F"

/// A one-OBX ORU^R01 with `obx` (everything after `OBX|1|`).
func oru(_ obx: String, extra: [String] = []) -> [String] {
    [msh, pid, obr, "OBX|1|" + obx] + extra
}

func only(_ out: FHIRReadOutput) throws -> TypedObservation {
    try #require(out.observations.count == 1, "expected one observation, got \(out.observations.count); skipped: \(out.report.items.map { "\($0.kind.rawValue): \($0.detail)" })")
    return out.observations[0]
}

func quantity(_ o: TypedObservation) -> Double? { o.value.measurement?.value }

/// The shared conformance corpus (`../shared/corpus`, or `TACE_CORPUS`).
enum Corpus {
    static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["TACE_CORPUS"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }()

    /// Relative paths of the README rows whose format column is `hl7v2-er7`.
    static let er7Files: [String] = {
        guard let readme = try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8) else { return [] }
        return readme.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| "), line.contains("| hl7v2-er7 |") else { return nil }
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
        let matches = er7Files.filter { $0.hasSuffix(suffix) }
        try #require(matches.count == 1, "expected one corpus file ending in \(suffix), found \(matches.count)")
        return try TACEHL7v2ReaderTests.read(bytes: try bytes(matches[0]), file: suffix, mappings: mappings)
    }
}
