import TACEModel

/// A value as recorded, with the observation it was read from (the evidence a verdict cites).
public struct Recorded<Value: Sendable>: Sendable {
    public var value: Value
    public var observation: TypedObservation
    public init(_ value: Value, _ observation: TypedObservation) {
        self.value = value
        self.observation = observation
    }
}

/// mRECIST response category (clinical reference §5), ordered from best to worst.
public enum MRECISTCategory: String, Sendable, CaseIterable, Comparable {
    case completeResponse = "CR"
    case partialResponse = "PR"
    case stableDisease = "SD"
    case progressiveDisease = "PD"

    var rank: Int {
        switch self {
        case .completeResponse: return 0
        case .partialResponse: return 1
        case .stableDisease: return 2
        case .progressiveDisease: return 3
        }
    }
    public static func < (a: MRECISTCategory, b: MRECISTCategory) -> Bool { a.rank < b.rank }

    /// CR or PR.
    public var isObjectiveResponse: Bool { self == .completeResponse || self == .partialResponse }
}

/// How selectively a TACE session was performed.
public enum TACESelectivity: String, Sendable, CaseIterable {
    case superselective
    case selective
    case nonSelective = "non-selective"

    /// Selective or superselective: what JSH calls "selective TACE".
    public var isSelective: Bool { self != .nonSelective }
}

/// Treatment intent (clinical reference §4.1, §4.6).
public enum TreatmentIntent: String, Sendable, CaseIterable {
    case curative, bridging, downstaging, palliative
}

/// One TACE session: every TACE procedure recorded on one calendar day, with the session attributes
/// recorded on that day (selectivity, adequacy, agent change, feeding-artery reanalysis, intent).
public struct TACESession: Sendable {
    public var day: ClinicalDay
    /// The TACE procedure records of this day (at least one; completed ones, or the not-completed ones when
    /// the day has no completed record).
    public var procedures: [TypedObservation]
    public var selectivity: Recorded<TACESelectivity>?
    /// Clinician-asserted "adequately performed" (complete) session.
    public var adequate: Recorded<Bool>?
    /// Chemotherapeutic agent changed versus the previous session.
    public var agentChanged: Recorded<Bool>?
    public var feedingArteryReanalysed: Recorded<Bool>?
    /// Intent recorded on the session's day (carrying forward an earlier one is a rule decision, see `Primitives`).
    public var intent: Recorded<TreatmentIntent>?
    /// Set when no TACE record of the day says the procedure was completed: it was begun and aborted
    /// (`stopped`) or not performed (`not-done`). Such an attempt is no treatment — it is never an evaluated
    /// session, TACE-1/TACE-2 or a counted session — but it stays in the timeline: it is a session that was not
    /// adequately performed, so it breaks a chain of consecutive sessions (§4.2; `chain.nonQualifyingSession`).
    public var notCompleted: Recorded<ProcedureStatus>?

    /// Whether TACE was performed on this day (at least one completed record).
    public var isPerformed: Bool { notCompleted == nil }

    public init(day: ClinicalDay, procedures: [TypedObservation]) {
        self.day = day
        self.procedures = procedures
    }

    /// The session's evidence label (the first procedure record's reference or source position).
    public var label: String { procedures.first.map(EvidenceLabel.of) ?? day.description }

    /// The procedure records and every attribute observation of the session.
    public var evidence: [TypedObservation] {
        var out = procedures
        for o in [selectivity?.observation, adequate?.observation, agentChanged?.observation,
                  feedingArteryReanalysed?.observation, intent?.observation] {
            if let o { out.append(o) }
        }
        return out
    }

    /// A recorded agent change or feeding-artery reanalysis (JSH "even after changing …").
    public var modificationRecorded: Bool { agentChanged?.value == true || feedingArteryReanalysed?.value == true }
}

/// One imaging study (every imaging observation of one calendar day): a response assessment when it
/// follows a session, the baseline when it precedes the first one. CT or MRI is assumed: the model does
/// not carry the modality.
public struct ResponseAssessment: Sendable {
    public var day: ClinicalDay
    /// mRECIST target-lesion categories (several: one per lesion or reader; aggregated per `insufficient.aggregation`).
    public var targetResponses: [Recorded<MRECISTCategory>] = []
    /// mRECIST overall categories.
    public var overallResponses: [Recorded<MRECISTCategory>] = []
    /// Viable-tumor percents of the treated lesions (one per lesion when several are reported).
    public var viablePercents: [Recorded<Measurement>] = []
    public var tumorCount: Recorded<Measurement>?
    public var newIntrahepaticLesions: Recorded<Measurement>?
    /// Portal vein invasion grade 0–4 (Vp).
    public var portalVeinGrade: Recorded<Int>?
    /// Hepatic vein invasion grade 0–3 (Vv).
    public var hepaticVeinGrade: Recorded<Int>?
    public var extrahepaticSpread: Recorded<Bool>?
    public var largestDiameter: Recorded<Measurement>?
    /// Every observation of the study.
    public var observations: [TypedObservation] = []

    public init(day: ClinicalDay) { self.day = day }

    /// Whether the study says anything about response or tumor number (what an evaluation of a session needs).
    public var hasResponseData: Bool {
        !targetResponses.isEmpty || !overallResponses.isEmpty || !viablePercents.isEmpty || tumorCount != nil
            || newIntrahepaticLesions != nil
    }
}

/// One tumor-marker value.
public struct MarkerSample: Sendable {
    public var analyte: MarkerAnalyte
    public var day: ClinicalDay
    public var value: Measurement
    public var observation: TypedObservation
}

/// A treatment other than TACE (resection, ablation, systemic therapy, …).
public struct OtherTreatment: Sendable {
    public var concept: Concept
    public var day: ClinicalDay
    public var observation: TypedObservation
}

/// A dated clinical record (intent, clinician assertion, ECOG, BCLC stage).
public struct DatedRecord<Value: Sendable>: Sendable {
    public var day: ClinicalDay
    public var value: Value
    public var observation: TypedObservation
}

/// How evidence is named in rationales: the source resource (`Observation/abc`) when it had an id, else
/// the concept and its day (`viable-tumor-percent of 2025-04-10`). Never a value, a patient identifier or a
/// local file path (rationales go into resources sent to a server).
public enum EvidenceLabel {
    public static func of(_ o: TypedObservation) -> String {
        if let r = o.source.resourceReference { return r }
        return o.concept.rawValue + (o.effective.map { " of " + ClinicalDay($0).description } ?? "")
    }

    static func list(_ observations: [TypedObservation]) -> String {
        var seen = Set<String>()
        return observations.map(of).filter { seen.insert($0).inserted }.joined(separator: ", ")
    }
}
