import TACEModel

/// The definitions of TACE failure/refractoriness (clinical reference §4.3–4.8). `allCases` is in the
/// default evaluation order: JSH-LCSGJ 2014 first (the outcome the p-TACE paper used).
public enum RefractorinessDefinition: String, Sendable, CaseIterable {
    case jsh2014 = "jsh-lcsgj-2014"
    case jsh2021 = "jsh-2021"
    case iasl = "iasl"
    case taiwan = "taiwan"
    case europe = "europe"
    case zhang2022 = "zhang-2022"

    /// Display name for method codings and tables.
    public var display: String {
        switch self {
        case .jsh2014: return "JSH-LCSGJ 2014 criteria"
        case .jsh2021: return "JSH 2021 criteria"
        case .iasl: return "IASL / Korean: no response after >= 3 TACE within 6 months"
        case .taiwan: return "Taiwanese / expert panel: no response after on-demand TACE within 6 months"
        case .europe: return "European intent-based view (EASL/BCLC)"
        case .zhang2022: return "Zhang et al. 2022: three consecutive insufficient responses of targeted lesions"
        }
    }

    /// The definition version written with each verdict.
    public var version: String {
        switch self {
        case .jsh2014: return "JSH-LCSGJ-2014"
        case .jsh2021: return "JSH-2021"
        case .iasl: return "IASL-as-quoted-2022"
        case .taiwan: return "TW-expert-panel-as-quoted-2021"
        case .europe: return "EU-intent-based"
        case .zhang2022: return "Zhang-2022"
        }
    }

    /// Short name for tables.
    public var shortName: String {
        switch self {
        case .jsh2014: return "JSH 2014"
        case .jsh2021: return "JSH 2021"
        case .iasl: return "IASL"
        case .taiwan: return "Taiwan"
        case .europe: return "Europe"
        case .zhang2022: return "Zhang 2022"
        }
    }

    /// The configuration parameters the definition reads (echoed in its `method` text).
    public var parameters: [String] {
        let chain = ["eval.windowDays", "eval.missingBreaksChain", "eval.nextSessionDayCounts", "session.assumeQualifying",
                     "chain.breakOnOtherTreatment", "chain.nonQualifyingSession"]
        let insufficient = ["insufficient.aggregation", "insufficient.source", "insufficient.overallFallback"]
        let progression = ["progression.alsoCountMRECIST_PD", "progression.newLesionsImplyIncrease"]
        let marker = ["marker.r", "marker.d", "marker.analytes", "marker.combine", "marker.minBaseline.AFP",
                      "marker.minBaseline.DCP", "marker.minBaseline.AFP-L3", "marker.minFollowUpValues",
                      "marker.consecutive", "marker.baselineDays", "marker.followUpDays"]
        let mvi = ["mvi.minGrade", "mvi.includeHepaticVein"]
        switch self {
        case .jsh2014:
            return chain + ["jsh.minConsecutive", "jsh.requireModification", "insufficient.threshold"] + insufficient
                + progression + marker + mvi
        case .jsh2021:
            return chain + ["jsh.minConsecutive", "jsh.requireModification", "jsh2021.threshold", "jsh2021.runRule",
                            "jsh2021.markerRule"] + insufficient + progression + marker + mvi
        case .iasl: return chain + ["kr.minSessions", "kr.windowDays", "kr.anchor", "insufficient.aggregation"]
        case .taiwan: return chain + ["tw.sessions", "tw.windowDays", "tw.anchor", "insufficient.aggregation"]
        case .europe: return chain + ["eu.maxSessions", "intent.carryForward", "insufficient.aggregation"] + mvi
        case .zhang2022:
            return chain + ["zh.minConsecutive", "insufficient.threshold", "insufficient.aggregation", "insufficient.source"]
                + progression + marker + mvi
        }
    }

    /// Parses a definition id (`jsh-lcsgj-2014`, …); also accepts `jsh-2014`.
    public init?(id: String) {
        let t = id.lowercased()
        if t == "jsh-2014" { self = .jsh2014; return }
        guard let d = RefractorinessDefinition(rawValue: t) else { return nil }
        self = d
    }
}

/// The status of a patient under one definition (clinical reference §9.6).
public enum RefractorinessStatus: String, Sendable, CaseIterable {
    case refractory
    case notRefractory = "not-refractory"
    /// Insufficient data, or a clause that could hold and cannot be decided.
    case indeterminate

    public var display: String {
        switch self {
        case .refractory: return "Refractory"
        case .notRefractory: return "Not refractory"
        case .indeterminate: return "Indeterminate"
        }
    }
}

/// One clause of a definition and what the timeline says about it.
public struct ClauseResult: Sendable {
    public enum Outcome: String, Sendable {
        case met
        case notMet = "not-met"
        /// Could hold; something needed to decide is missing.
        case undetermined
        /// Nothing in the timeline to evaluate it with.
        case noData = "no-data"
    }
    /// Criterion code (`C1a-insufficient-response`, …), unique within the definition.
    public var code: String
    public var title: String
    public var outcome: Outcome
    /// The day the clause became true (met only).
    public var day: ClinicalDay?
    /// What the outcome rests on: values, dates, comparisons (no identifiers).
    public var detail: String
    public var evidence: [TypedObservation]
    /// `false` for context items that are reported but never make a patient refractory (Zhang 2022).
    public var triggers: Bool

    init(code: String, title: String, finding: Finding, triggers: Bool = true) {
        self.code = code
        self.title = title
        self.triggers = triggers
        switch finding {
        case .met(let d, let text, let e): outcome = .met; day = d; detail = text; evidence = e
        case .notMet(let text): outcome = .notMet; detail = text; evidence = []
        case .undetermined(let text): outcome = .undetermined; detail = text; evidence = []
        case .noData(let text): outcome = .noData; detail = text; evidence = []
        }
    }
}

/// A patient's status under one definition on one evaluation day.
public struct RefractorinessVerdict: Sendable {
    public var definition: RefractorinessDefinition
    public var evaluationDay: ClinicalDay
    public var status: RefractorinessStatus
    /// The earliest day a triggering clause was met (refractory only).
    public var dayMet: ClinicalDay?
    /// Every clause, in the definition's order (context items last).
    public var clauses: [ClauseResult]
    /// What is missing (indeterminate) or could not be evaluated.
    public var missing: [String]
    /// Assumptions, chain breaks and informational notes (e.g. the post-refractoriness HAIC factors).
    public var notes: [String]
    /// The configuration in force, restricted to the definition's parameters.
    public var configurationText: String
    /// What the definition evaluated (session procedures, the studies that evaluated them, the marker values
    /// read): the basis of a verdict that is not refractory, where no met clause names its evidence.
    public var evaluatedEvidence: [TypedObservation] = []

    /// The clauses that made the patient refractory.
    public var metClauses: [ClauseResult] { clauses.filter { $0.outcome == .met && $0.triggers } }

    /// The evidence of the met clauses; when none is met, that of every clause and everything evaluated
    /// (`evaluatedEvidence`), so a not-refractory or indeterminate verdict also names what it rests on.
    /// Deduplicated, in clause order.
    public var evidence: [TypedObservation] {
        var seen = Set<TypedObservation>()
        let all = metClauses.isEmpty ? clauses.flatMap(\.evidence) + evaluatedEvidence : metClauses.flatMap(\.evidence)
        return all.filter { seen.insert($0).inserted }
    }

    /// One paragraph: status, every clause with its day, detail and evidence, what is missing, notes, configuration.
    public var rationale: String { rationale(includingConfiguration: true) }

    /// The rationale; without the configuration where it is written elsewhere (`RiskAssessment.method.text`).
    public func rationale(includingConfiguration: Bool) -> String {
        var parts: [String] = []
        let head = "\(definition.display) (\(definition.version)) on \(evaluationDay): \(status.display.lowercased())"
        parts.append(head + (dayMet.map { " since \($0)" } ?? ""))
        for clause in clauses {
            let when = clause.day.map { " on \($0)" } ?? ""
            let ev = clause.evidence.isEmpty ? "" : " [evidence: \(EvidenceLabel.list(clause.evidence))]"
            let prefix = clause.triggers ? "" : "context (does not trigger) "
            parts.append("\(prefix)\(clause.code) \(clause.outcome.rawValue)\(when): \(clause.detail)\(ev)")
        }
        if !missing.isEmpty { parts.append("Missing: " + missing.joined(separator: "; ")) }
        if !notes.isEmpty { parts.append("Notes: " + notes.joined(separator: "; ")) }
        if includingConfiguration { parts.append("Config " + configurationText) }
        return parts.joined(separator: ". ") + "."
    }
}
