import TACEFHIRWriter
import TACEModel
import TACERefractoriness
import TACEScoring

/// What a `score` or `timeline` run computes about refractoriness and re-treatment (issue 4).
public struct RefractorinessOptions: Sendable {
    /// `--definitions`: the definitions evaluated, in output order (default all, JSH-LCSGJ 2014 first).
    public var definitions: [RefractorinessDefinition] = RefractorinessDefinition.allCases
    public var configuration = RefractorinessConfiguration()
    /// ART and ABCR.
    public var reTreatmentScores = true
    /// Also write the §9.6 Observation form of each verdict.
    public var observationForm = false

    public init() {}

    var isEnabled: Bool { !definitions.isEmpty || reTreatmentScores }

    /// Parses `--definitions` (comma-separated ids, or `all`); `nil` names the unknown id.
    public static func parseDefinitions(_ text: String) -> Result<[RefractorinessDefinition], TACEBridgeError> {
        if text.lowercased() == "all" { return .success(RefractorinessDefinition.allCases) }
        if text.lowercased() == "none" { return .success([]) }
        var out: [RefractorinessDefinition] = []
        for part in text.split(separator: ",") {
            let id = trim(part)
            guard let d = RefractorinessDefinition(id: id) else {
                return .failure(TACEBridgeError(.usage, "--definitions: unknown definition '\(id)'; known: "
                    + RefractorinessDefinition.allCases.map(\.rawValue).joined(separator: ", ") + ", all, none"))
            }
            if !out.contains(d) { out.append(d) }
        }
        return .success(out)
    }
}

/// Refractoriness and re-treatment results for the patients of one run (what does not change between
/// patients — the evaluation day, the configuration texts — is worked out once).
struct RefractorinessRun {
    let options: RunOptions
    let day: ClinicalDay
    let echoes: Refractoriness.ConfigurationEchoes

    init(_ options: RunOptions) {
        self.options = options
        day = Self.evaluationDay(options)
        echoes = Refractoriness.ConfigurationEchoes(options.refractoriness.configuration, definitions: options.refractoriness.definitions)
    }

    /// `--as-of` if given, else the day of the run.
    static func evaluationDay(_ options: RunOptions) -> ClinicalDay {
        ClinicalDay(options.asOf ?? options.now)
    }

    /// `nil` when the patient has no TACE session up to the evaluation day (nothing to judge).
    func assess(_ observations: [TypedObservation], patient: PatientIdentity, ordinal: Int, condition: String?)
        -> (timeline: PatientTimeline, assessment: RefractorinessAssessment)? {
        let r = options.refractoriness
        guard r.isEnabled else { return nil }
        let timeline = PatientTimeline(observations: observations).asOf(day)
        guard !timeline.performedSessions.isEmpty else { return nil }
        let verdicts = Refractoriness.evaluate(r.definitions, timeline: timeline, on: day, configuration: r.configuration,
                                               scoring: options.configuration, echoes: echoes)
        var scores: [ReTreatmentScore] = []
        if r.reTreatmentScores {
            scores = ReTreatmentScores.both(timeline, on: day, dayOrigin: options.asOf == nil ? .runDay : .asOf,
                                            configuration: r.configuration, scoring: options.configuration)
        }
        let assessment = RefractorinessAssessment(patient: patient, ordinal: ordinal, conditionReference: condition, evaluationDay: day,
                                                  verdicts: verdicts, reTreatment: scores)
        return (timeline, assessment)
    }
}

extension RunSummary {
    mutating func record(_ a: RefractorinessAssessment) {
        record(RefractorinessAssessmentSummary(verdicts: a.verdicts, scores: a.reTreatment))
    }

    /// Summary lines for refractoriness (counts only).
    var refractorinessLines: [String] {
        guard refractorinessPatients > 0 else { return [] }
        var out = ["  refractoriness: \(refractorinessPatients) patient(s) with TACE sessions"]
        for d in RefractorinessDefinition.allCases {
            guard let counts = verdictCounts[d.rawValue] else { continue }
            let text = RefractorinessStatus.allCases.map { "\(counts[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
            out.append("    \(d.rawValue): \(text)")
        }
        out.append("    ART computed for \(reTreatmentComputed["art"] ?? 0), ABCR for \(reTreatmentComputed["abcr"] ?? 0)")
        return out
    }
}
