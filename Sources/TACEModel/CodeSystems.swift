/// The project's canonical base URL and the code systems and identifier systems
/// under it. This is the one place the base is set: mapping tables refer to it as
/// `{base}` and every writer builds its URIs from here.
public enum TACECodeSystems {
    /// Canonical base of every TACEBridge-defined code system and identifier system.
    public static let base = "https://tacebridge.org/fhir"

    /// Imaging concepts without a standard code (vascularization pattern, tumor count, …).
    public static let imaging = base + "/CodeSystem/hcc-imaging"
    /// Clinician-graded concepts (ascites, encephalopathy, BCLC stage, ECOG).
    public static let clinical = base + "/CodeSystem/hcc-clinical"
    /// Procedures (TACE sessions).
    public static let procedures = base + "/CodeSystem/hcc-procedures"
    /// Score observations and methods (`ptace-total`, `p-tace`, `albi-score`, …).
    public static let scores = base + "/CodeSystem/hcc-scores"
    /// Predicted outcomes (`tace-refractoriness`).
    public static let outcomes = base + "/CodeSystem/hcc-outcomes"
    /// Refractoriness definitions (`jsh-lcsgj-2014`, `jsh-2021`, `iasl`, `taiwan`, `europe`, `zhang-2022`).
    public static let refractorinessDefinitions = base + "/CodeSystem/tace-refractoriness-definitions"
    /// Clauses of the refractoriness definitions (`C1a-insufficient-response`, …).
    public static let refractorinessCriteria = base + "/CodeSystem/tace-refractoriness-criteria"
    /// Canonical values of coded concepts: `{base}/CodeSystem/<concept-id>` (e.g. vascularization-pattern → type-3).
    public static func values(of concept: Concept) -> String { base + "/CodeSystem/" + concept.rawValue }
    /// Codes of TACEBridge concepts themselves, used when no standard code exists for an output observation.
    public static let concepts = base + "/CodeSystem/concepts"

    /// Identifier systems for resources TACEBridge writes (deterministic values make re-runs idempotent).
    public static let scoreObservationIdentifier = base + "/sid/ptace-score"
    public static let riskAssessmentIdentifier = base + "/sid/ptace-risk"
    /// Refractoriness verdicts and ART/ABCR results (RiskAssessments, Observations).
    public static let refractorinessIdentifier = base + "/sid/tace-refractoriness"
    public static let reTreatmentIdentifier = base + "/sid/tace-retreatment-score"
    public static let derivedObservationIdentifier = base + "/sid/derived-observation"
    public static let normalizedObservationIdentifier = base + "/sid/observation"
    public static let deviceIdentifier = base + "/sid/device"

    public static let loinc = "http://loinc.org"
    public static let snomed = "http://snomed.info/sct"
    public static let ucum = "http://unitsofmeasure.org"
    public static let riskProbability = "http://terminology.hl7.org/CodeSystem/risk-probability"

    /// Expands a leading `{base}` in a mapping-table system URI.
    public static func expand(_ system: String) -> String {
        system.hasPrefix("{base}") ? base + system.dropFirst(6) : system
    }
}
