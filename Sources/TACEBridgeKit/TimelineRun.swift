import TACEFHIRReader
import TACEJSON
import TACEModel
import TACERefractoriness
import TACEScoring

extension Pipeline {
    /// `tacebridge timeline`: reads every input, groups observations by patient and prints each patient's
    /// timeline (sessions, imaging with days since the session, markers, other treatments), each definition's
    /// verdict with the clause behind it, and ART/ABCR — as text tables or one JSON document.
    public static func timeline(_ options: RunOptions, format: TimelineFormat) throws(TACEBridgeError) -> RunSummary {
        let started = wallClock()
        try refuseDuplicatePaths(options.files)
        var summary = RunSummary()
        let reader = InputReader(fhir: FHIRReader(mappings: options.mappings, invalidPolicy: options.invalidPolicy),
                                 progress: ProgressReporter(enabled: options.progress))
        var output = FHIRReadOutput()
        var kept: [TypedObservation] = []
        for path in options.files {
            try reader.read(path: path, into: &output) { (out: inout FHIRReadOutput) throws(TACEBridgeError) in
                for o in out.observations where PatientTimeline.concepts.contains(o.concept) { kept.append(o) }
                out.observations.removeAll(keepingCapacity: true)
            }
        }
        summary.report = output.report
        let groups = groupByPatient(kept, patients: output.patients, report: &summary.report)
        kept = []

        let day = RefractorinessRun.evaluationDay(options)
        let r = options.refractoriness
        let echoes = Refractoriness.ConfigurationEchoes(r.configuration, definitions: r.definitions)
        let sink = try OutputSink(path: options.output)
        do {
            var json = JSONWriter(pretty: options.pretty)
            if format == .json {
                json.beginObject()
                json.field("evaluationDay", day.description)
                json.field("configuration", r.configuration.echoText)
                json.key("patients"); json.beginArray()
            }
            for (ordinal, group) in groups.ordered.enumerated() {
                let timeline = PatientTimeline(observations: group.observations).asOf(day)
                let verdicts = Refractoriness.evaluate(r.definitions, timeline: timeline, on: day, configuration: r.configuration,
                                                       scoring: options.configuration, echoes: echoes)
                var scores: [ReTreatmentScore] = []
                if r.reTreatmentScores, !timeline.performedSessions.isEmpty {
                    scores = ReTreatmentScores.both(timeline, on: day, dayOrigin: options.asOf == nil ? .runDay : .asOf,
                                                    configuration: r.configuration, scoring: options.configuration)
                }
                let label = group.identity.reference
                    ?? group.identity.identifiers.first.map { ($0.system.map { $0 + "|" } ?? "") + $0.value } ?? "(unidentified)"
                let report = TimelineReport(patient: label, ordinal: ordinal + 1, timeline: timeline, day: day, verdicts: verdicts,
                                            scores: scores, scoring: options.configuration, configuration: r.configuration)
                if !timeline.performedSessions.isEmpty {
                    summary.record(RefractorinessAssessmentSummary(verdicts: verdicts, scores: scores))
                }
                switch format {
                case .text:
                    try sink.write(Array(((ordinal > 0 ? "\n" : "") + report.text).utf8))
                case .json:
                    report.json(into: &json)
                    try sink.write(json.takeBytes())
                }
            }
            if format == .json {
                json.endArray()
                json.endObject()
                try sink.write(json.takeBytes() + [0x0A])
            }
            summary.patients = groups.ordered.count
            try sink.commit()
        } catch {
            sink.abandon()
            throw error
        }
        summary.bytesWritten = sink.bytesWritten
        summary.seconds = wallClock() - started
        return summary
    }
}

/// The counts a run summary keeps of one patient's refractoriness results.
struct RefractorinessAssessmentSummary {
    var verdicts: [RefractorinessVerdict]
    var scores: [ReTreatmentScore]
}

extension RunSummary {
    mutating func record(_ s: RefractorinessAssessmentSummary) {
        refractorinessPatients += 1
        for v in s.verdicts { verdictCounts[v.definition.rawValue, default: [:]][v.status.rawValue, default: 0] += 1 }
        for score in s.scores where score.isComputed { reTreatmentComputed[score.kind.rawValue, default: 0] += 1 }
    }
}
