import TACEFHIRReader
import TACEFHIRWriter
import TACEJSON
import TACEMappings
import TACEModel
import TACERefractoriness
import TACEScoring

/// The two jobs of TACEBridge: `convert` (normalized observations as FHIR) and `score` (p-TACE, ALBI, Child-Pugh).
public enum Pipeline {
    /// Reads every input and writes the normalized observations as a collection (or transaction) Bundle,
    /// streaming: memory stays flat however large the NDJSON input.
    public static func convert(_ options: RunOptions) throws(TACEBridgeError) -> RunSummary {
        let started = wallClock()
        try refuseDuplicatePaths(options.files)
        let sink = try OutputSink(path: options.output)
        var summary = RunSummary()
        do {
            // Entry ids come from each observation's source position: unique by construction, so no set of
            // written ids is kept and memory stays flat however large the input (duplicate paths are refused).
            var bundle = BundleStreamWriter(type: options.bundleType, timestamp: options.now, pretty: options.pretty, deduplicates: false)
            let reader = InputReader(fhir: FHIRReader(mappings: options.mappings, invalidPolicy: options.invalidPolicy),
                                     progress: ProgressReporter(enabled: options.progress))
            var output = FHIRReadOutput()
            for path in options.files {
                try reader.read(path: path, into: &output) { (out: inout FHIRReadOutput) throws(TACEBridgeError) in
                    for o in out.observations { NormalizedResourceWriter.entry(o, traceSource: options.traceSource, into: &bundle) }
                    out.observations.removeAll(keepingCapacity: true)
                    try bundle.drainBytes { (bytes) throws(TACEBridgeError) in try sink.write(bytes) }
                }
            }
            try sink.write(bundle.finish())
            try sink.commit()
            summary.report = output.report
            summary.resourcesWritten = bundle.entryCount
        } catch {
            sink.abandon()
            throw error
        }
        summary.bytesWritten = sink.bytesWritten
        summary.seconds = wallClock() - started
        return summary
    }

    /// Reads every input, groups observations by patient, scores each patient and writes the results.
    public static func score(_ options: RunOptions, incompleteHandler: (AssessmentWriter.Incomplete) -> Void = { _ in }) throws(TACEBridgeError) -> RunSummary {
        let started = wallClock()
        try refuseDuplicatePaths(options.files)
        var summary = RunSummary()
        let reader = InputReader(fhir: FHIRReader(mappings: options.mappings, invalidPolicy: options.invalidPolicy),
                                 progress: ProgressReporter(enabled: options.progress))
        var output = FHIRReadOutput()
        var kept: [TypedObservation] = []
        let keep = options.refractoriness.isEnabled ? ScoringInputs.concepts.union(PatientTimeline.concepts) : ScoringInputs.concepts
        for path in options.files {
            try reader.read(path: path, into: &output) { (out: inout FHIRReadOutput) throws(TACEBridgeError) in
                // Only what a score reads is kept in memory (the rest was mapped and counted, and is not needed).
                for o in out.observations where keep.contains(o.concept) {
                    if !o.status.isUsableForScoring && o.concept != .tace && o.concept != .hccDiagnosis {
                        // Kept so a gap can say "only preliminary", but counted: it is not used.
                        out.report.skip(SkippedItem(file: o.source.file, location: o.source.location, resourceType: "Observation",
                                                    kind: .unusableStatusForScoring, detail: "\(o.concept.rawValue): status \(o.status.rawValue)"))
                    }
                    kept.append(o)
                }
                out.observations.removeAll(keepingCapacity: true)
            }
        }
        summary.report = output.report
        // One patient, however the sources refer to it: see groupByPatient (shared identifiers, ambiguity).
        let groups = groupByPatient(kept, patients: output.patients, report: &summary.report)
        kept = []

        let sink = try OutputSink(path: options.output)
        do {
            var bundle = BundleStreamWriter(type: options.bundleType, timestamp: options.now, pretty: options.pretty)
            let writer = AssessmentWriter(configuration: options.configuration, recorded: options.now, traceSource: options.traceSource)
            let refractoriness = RefractorinessRun(options)
            let refractorinessWriter = RefractorinessWriter(recorded: options.now, traceSource: options.traceSource,
                                                            observationForm: options.refractoriness.observationForm)
            for (ordinal, group) in groups.ordered.enumerated() {
                var identity = group.identity
                if let reference = identity.reference, let record = output.patients[reference] {
                    for identifier in record.identity.identifiers where !identity.identifiers.contains(identifier) {
                        identity.identifiers.append(identifier)
                    }
                }
                let index = resolveIndexDate(asOf: options.asOf, observations: group.observations, runTime: options.now)
                summary.indexSources[index.source, default: 0] += 1
                let ptace = PTACE.assess(observations: group.observations, index: index, configuration: options.configuration)
                let childPugh = ChildPughAssessor.assess(observations: group.observations, index: index, configuration: options.configuration)
                let condition = group.observations.first { $0.concept == .hccDiagnosis && $0.source.resourceReference != nil }?
                    .source.resourceReference
                let assessment = PatientAssessment(patient: identity, ordinal: ordinal + 1, firstSeen: group.firstSeen,
                                                   ptace: ptace, childPugh: childPugh, conditionReference: condition)
                if let incomplete = writer.write(assessment, to: &bundle) {
                    summary.incomplete.append(incomplete)
                    incompleteHandler(incomplete)
                } else {
                    summary.scored += 1
                }
                if let r = refractoriness.assess(group.observations, patient: identity, ordinal: ordinal + 1, condition: condition) {
                    refractorinessWriter.write(r.assessment, to: &bundle)
                    summary.record(r.assessment)
                }
                try bundle.drainBytes { (bytes) throws(TACEBridgeError) in try sink.write(bytes) }
            }
            summary.patients = groups.ordered.count
            try sink.write(bundle.finish())
            try sink.commit()
            summary.resourcesWritten = bundle.entryCount
        } catch {
            sink.abandon()
            throw error
        }
        summary.bytesWritten = sink.bytesWritten
        summary.seconds = wallClock() - started
        return summary
    }
}

/// The same file given twice would read every record twice.
func refuseDuplicatePaths(_ files: [String]) throws(TACEBridgeError) {
    var seen = Set<String>()
    for f in files where f != "-" {
        guard seen.insert(f).inserted else { throw TACEBridgeError(.usage, "\(f): given more than once") }
    }
    if files.filter({ $0 == "-" }).count > 1 { throw TACEBridgeError(.usage, "standard input ('-') given more than once") }
}

/// Observations grouped by patient, in order of first appearance.
struct PatientGroups {
    struct Group {
        var identity: PatientIdentity
        var observations: [TypedObservation]
        var firstSeen: String
    }
    private(set) var ordered: [Group] = []
    private var indexByKey: [String: Int] = [:]

    /// Adds `o` to the group of `key` (made by `groupByPatient`), opening it on first appearance.
    mutating func add(_ o: TypedObservation, key: String) {
        if let i = indexByKey[key] {
            ordered[i].observations.append(o)
        } else {
            indexByKey[key] = ordered.count
            ordered.append(Group(identity: o.patient, observations: [o], firstSeen: o.source.file + " " + o.source.location))
        }
    }
}
