import TACEFHIRReader
import TACEFHIRWriter
import TACEMappings
import TACEModel
import TACERefractoriness
import TACEScoring

/// Everything a run needs, resolved and validated by the CLI (or a test) before the run starts.
public struct RunOptions: Sendable {
    public var files: [String]
    public var mappings: MappingTables
    public var configuration: ScoringConfiguration
    public var invalidPolicy: InvalidResourcePolicy = .fail
    /// `--as-of`: the index date for every patient; otherwise each patient's first TACE, else `now`.
    public var asOf: ClinicalTime?
    /// The time of the run (Bundle.timestamp, Provenance.recorded, fallback index date). From the clock unless `--now`.
    public var now: ClinicalTime
    public var bundleType: OutputBundleType = .collection
    public var pretty = true
    public var output: String?
    public var progress = false
    /// Write each normalized observation's source file and position into an extension.
    public var traceSource = false
    public var verbose = false
    /// Refractoriness definitions and ART/ABCR (score and timeline).
    public var refractoriness = RefractorinessOptions()

    public init(files: [String], mappings: MappingTables, configuration: ScoringConfiguration, now: ClinicalTime) {
        self.files = files
        self.mappings = mappings
        self.configuration = configuration
        self.now = now
    }
}

/// What a run did, for the summary on standard error (counts and codes only, no patient data).
public struct RunSummary: Sendable {
    public var report = ReadReport()
    public var patients = 0
    public var scored = 0
    public var incomplete: [AssessmentWriter.Incomplete] = []
    public var indexSources: [IndexDateSource: Int] = [:]
    /// Refractoriness verdicts per definition id and status, and computed ART/ABCR per kind.
    public var refractorinessPatients = 0
    public var verdictCounts: [String: [String: Int]] = [:]
    public var reTreatmentComputed: [String: Int] = [:]
    public var resourcesWritten = 0
    public var bytesWritten = 0
    public var seconds = 0.0

    /// Human-readable lines for standard error.
    public func lines(command: String, verbose: Bool) -> [String] {
        var out: [String] = []
        let types = report.resourcesByType.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let resources = report.resourcesByType.values.reduce(0, +)
        out.append("tacebridge \(command): \(report.filesRead) file(s), \(report.bytesRead) bytes, \(resources) resources read (\(types))")
        out.append("  \(report.observationsProduced) observations mapped; \(report.skippedTotal) items not used")
        for (kind, count) in report.skippedByKind.sorted(by: { $0.key < $1.key }) {
            let padded = kind.rawValue + String(repeating: " ", count: max(1, 24 - kind.rawValue.count))
            out.append("    \(padded)\(count)  \(kind.explanation)")
        }
        if report.skippedTotal > 0 {
            if verbose {
                for item in report.items {
                    out.append("    - \(item.file) \(item.location) [\(item.resourceType)] \(item.kind.rawValue): \(item.detail)")
                }
                if report.itemsTruncated { out.append("    (first \(report.items.count) items listed)") }
            } else {
                out.append("  --verbose lists each item (file, JSON path, reason; no patient values)")
            }
        }
        if command == "score" {
            out.append("  \(patients) patient(s): \(scored) scored, \(incomplete.count) incomplete")
            let sources = indexSources.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            if !sources.isEmpty { out.append("  index date from: \(sources)") }
            out += refractorinessLines
        } else if command == "timeline" {
            out.append("  \(patients) patient(s)")
            out += refractorinessLines
        }
        out.append("  wrote \(resourcesWritten) resources, \(bytesWritten) bytes in \(Int(seconds * 1000)) ms")
        return out
    }
}
