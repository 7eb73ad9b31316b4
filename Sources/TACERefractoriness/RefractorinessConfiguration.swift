import TACEModel
import TACEScoring

/// `chain.nonQualifyingSession` (§4.2): what a session that is not selective or not adequate does to a chain.
public enum NonQualifyingSessionPolicy: String, Sendable, CaseIterable {
    /// The chain ends; counting starts again after it. Default.
    case breakChain = "break"
    /// The session is passed over: it neither counts nor ends the chain.
    case skip = "skip"
}

/// `insufficient.aggregation` (§4.2): several viable-tumor percents (lesions) on one study.
public enum LesionAggregation: String, Sendable, CaseIterable {
    /// Insufficient if any treated lesion is (the largest viable percent, the worst target category). Default.
    case anyLesion
    /// Insufficient only if every treated lesion is (the smallest viable percent, the best target category).
    case allLesions
}

/// `insufficient.source` (§4.2, §5.3): what decides "viable lesion > 50 %".
public enum InsufficiencySource: String, Sendable, CaseIterable {
    /// The viable-tumor percent if the study reports one, else mRECIST (SD/PD = insufficient). Default.
    case auto
    /// Only a reported viable-tumor percent.
    case viablePercent
    /// Only mRECIST categories (target, then overall if `insufficient.overallFallback`).
    case mRECIST
}

/// `marker.combine` (§4.2): several analytes (AFP, DCP) evaluated after one session.
public enum MarkerCombination: String, Sendable, CaseIterable {
    /// A rise of any evaluable analyte counts. Default.
    case any
    /// Every evaluable analyte must rise.
    case all
}

/// A tumor marker a rule may follow.
public enum MarkerAnalyte: String, Sendable, CaseIterable {
    case afp = "AFP"
    case dcp = "DCP"
    case afpL3 = "AFP-L3"

    public var concept: Concept {
        switch self {
        case .afp: return .afp
        case .dcp: return .dcp
        case .afpL3: return .afpL3
        }
    }
}

/// `abcr.bclcVersion` (§6.2, §7.2): which BCLC edition the recorded stages follow. Stage records carry no
/// edition, and the ABCR cohort was staged with the pre-2022 BCLC, so the edition is stated, not guessed; it
/// is echoed in the ABCR rationale and does not change the points.
public enum BCLCVersion: String, Sendable, CaseIterable {
    /// Not stated (default): the stage is used as recorded.
    case unstated
    /// The pre-2022 BCLC (Child-Pugh based), as in the ABCR cohort.
    case pre2022 = "pre-2022"
    /// The 2022 update (Reig 2022; "preserved liver function"; kept by the 2025 update).
    case bclc2022 = "2022"

    /// Plain text for the ABCR rationale.
    public var meaning: String {
        switch self {
        case .unstated: return "edition of the recorded stages not stated; the ABCR cohort was staged with the pre-2022 BCLC"
        case .pre2022: return "recorded stages follow the pre-2022 BCLC, as in the ABCR cohort"
        case .bclc2022: return "recorded stages follow BCLC 2022, not the pre-2022 edition of the ABCR cohort; points applied as recorded"
        }
    }
}

/// `kr.anchor` (§4.5): where the six-month windows start.
public enum WindowAnchor: String, Sendable, CaseIterable {
    /// At the first qualifying session of each chain, and again at the first session after a window closes. Default.
    case firstSession
    /// At every qualifying session.
    case rolling
}

/// `jsh2021.runRule`: how "… on CT/MRI 1-3 months after at least two TACE procedures" (JSH 2021 as applied
/// by the 2024 HAIC paper) is read.
public enum JSH2021RunRule: String, Sendable, CaseIterable {
    /// Like 2014: each of `jsh.minConsecutive` consecutive sessions evaluated insufficient. Default.
    case consecutiveResponses
    /// One insufficient evaluation after the `jsh.minConsecutive`-th consecutive qualifying session.
    case lastResponse
}

/// `jsh2021.markerRule`: the JSH 2021 marker clause. §4.4: whether the 2021 update changed clauses 2–4 is
/// unverified, so JSH 2021 applies the 2014 rule until the text is checked; the wording the 2024 HAIC paper
/// attributes to 2021 is available only by name.
public enum JSH2021MarkerRule: String, Sendable, CaseIterable {
    /// Same as JSH 2014 (`marker.r` rise, `marker.d` tolerance). Default (§4.4).
    case sameAs2014
    /// Non-default alternative, the HAIC paper's wording ("not immediately decreased after TACE, or only
    /// minimally decreased and then continuing to increase"): no follow-up value below baseline × (1 − `marker.d`),
    /// and the first follow-up ≥ baseline or the last above the first. Calls a flat marker refractory.
    case notDecreased
}

/// Every parameter of the refractoriness rules (clinical reference §4.2 and §4.9, ART §6.1). Defaults
/// are the documented ones; values in force are echoed in every verdict (`echoText`).
public struct RefractorinessConfiguration: Sendable, Equatable {
    public static let version = "tacebridge-refractoriness-config-v1"

    /// `eval.windowDays`: an evaluation counts for a session when taken this many days after it (both ends inclusive).
    public var evalWindowDays: ClosedRange<Int> = 28...92
    /// `eval.missingBreaksChain`: a qualifying session without evaluation ends a chain.
    public var evalMissingBreaksChain = true
    /// `eval.nextSessionDayCounts`: imaging on the day of the next session still evaluates the previous one
    /// (pre-procedure imaging, opt-in). Default `false`: §4.2 wants the evaluation before S(i+1), and a
    /// same-day study cannot be told apart from peri-procedural imaging of the next session.
    public var evalNextSessionDayCounts = false
    /// `session.assumeQualifying`: a session recorded without selectivity/adequacy counts as selective and adequate.
    public var sessionAssumeQualifying = true
    /// `chain.breakOnOtherTreatment`: resection, ablation, systemic therapy … between sessions end a chain.
    public var chainBreakOnOtherTreatment = true
    /// `chain.nonQualifyingSession`: break | skip.
    public var chainNonQualifyingSession: NonQualifyingSessionPolicy = .breakChain
    /// `insufficient.threshold`: viable fraction above which a response is insufficient (JSH 2014 "> 50 %", Zhang).
    public var insufficientThreshold = 0.50
    /// `insufficient.aggregation`: anyLesion | allLesions.
    public var insufficientAggregation: LesionAggregation = .anyLesion
    /// `insufficient.source`: auto | viablePercent | mRECIST.
    public var insufficientSource: InsufficiencySource = .auto
    /// `insufficient.overallFallback`: when a study has no target-lesion category, the overall mRECIST category
    /// decides (SD/PD insufficient). Off by default: §4.2/§5.3 map "insufficient response of the treated tumor"
    /// to the target category only (the overall one also moves with new lesions and non-target disease).
    /// Never used by Zhang 2022, whose rule is about targeted lesions only.
    public var insufficientOverallFallback = false
    /// `progression.alsoCountMRECIST_PD`: an overall mRECIST PD also counts as intrahepatic progression.
    public var progressionAlsoCountMRECISTPD = false
    /// `progression.newLesionsImplyIncrease`: without two tumor counts, new intrahepatic lesions (> 0) mean the number
    /// rose. Off by default: §4.2 compares the tumor count with the imaging before the session (new lesions may
    /// come with others disappearing).
    public var progressionNewLesionsImplyIncrease = false
    /// `marker.r`: relative rise over baseline that is "continuous elevation" (⚠ Ogasawara, as quoted).
    public var markerRise = 0.20
    /// `marker.d`: relative decrease still "slight and transient" (⚠ no source; placeholder).
    public var markerTolerance = 0.20
    /// `marker.analytes`.
    public var markerAnalytes: [MarkerAnalyte] = [.afp, .dcp]
    /// `marker.combine`: any | all.
    public var markerCombine: MarkerCombination = .any
    /// `marker.minBaseline.<analyte>`: the baseline must exceed this (canonical unit) for a rise to count
    /// (⚠ unsourced; avoids percentages of normal values). AFP ng/mL, DCP mAU/mL, AFP-L3 %.
    public var markerMinBaseline: [MarkerAnalyte: Double] = [.afp: 20, .dcp: 40, .afpL3: 10]
    /// `marker.minFollowUpValues`: follow-up values needed after a session.
    public var markerMinFollowUpValues = 2
    /// `marker.consecutive`: sessions in a row with a rise needed for the marker clause.
    public var markerConsecutive = 1
    /// `marker.baselineDays`: the baseline is the last value at most this many days before the session (or on its day).
    public var markerBaselineDays = 30
    /// `marker.followUpDays`: follow-up values are taken up to this many days after the session (and not after the next one).
    public var markerFollowUpDays = 92
    /// `mvi.minGrade`: the lowest portal-vein grade counted as vascular invasion (Vp1…Vp4).
    public var mviMinGrade = 1
    /// `mvi.includeHepaticVein`: hepatic-vein invasion (Vv1+) counts as vascular invasion.
    public var mviIncludeHepaticVein = true
    /// `jsh.minConsecutive` (N).
    public var jshMinConsecutive = 2
    /// `jsh.requireModification`: a run needs a recorded agent change or feeding-artery reanalysis; without one it is
    /// `indeterminate`, never `refractory`.
    public var jshRequireModification = false
    /// `jsh2021.threshold`: viable fraction at or above which JSH 2021 judges the response insufficient ("≥ 50 %").
    public var jsh2021Threshold = 0.50
    /// `jsh2021.runRule`: consecutiveResponses | lastResponse.
    public var jsh2021RunRule: JSH2021RunRule = .consecutiveResponses
    /// `jsh2021.markerRule`: sameAs2014 (default, §4.4) | notDecreased (HAIC-paper wording, opt-in).
    public var jsh2021MarkerRule: JSH2021MarkerRule = .sameAs2014
    /// `kr.minSessions` ("IASL": ≥ 3 TACE …).
    public var krMinSessions = 3
    /// `kr.windowDays` (… within 6 months).
    public var krWindowDays = 183
    /// `kr.anchor`: firstSession | rolling.
    public var krAnchor: WindowAnchor = .firstSession
    /// `tw.sessions` (Taiwan / expert panel: 2 or 3, §4.7; nothing else is accepted).
    public var twSessions = 2
    /// `tw.anchor`: firstSession | rolling — the Taiwanese windows' own anchor (no longer borrowed from `kr.anchor`).
    public var twAnchor: WindowAnchor = .firstSession
    /// `tw.windowDays`.
    public var twWindowDays = 183
    /// `zh.minConsecutive` (Zhang 2022).
    public var zhMinConsecutive = 3
    /// `eu.maxSessions`: sessions without complete response after which curative/bridging TACE has failed.
    public var euMaxSessions = 2
    /// `intent.carryForward`: a session without an intent recorded on its day takes the last one recorded before it.
    public var intentCarryForward = true
    /// `art.labLookbackDays`: AST and Child-Pugh inputs before TACE-1 / TACE-2 at most this many days old.
    public var artLabLookbackDays = 30
    /// `abcr.bclcLookbackDays`: the BCLC stage before TACE-1 is the last one recorded at most this many days
    /// before its day (a design default, like `ptace.imagingLookbackDays`: staging rests on imaging).
    public var abcrBCLCLookbackDays = 60
    /// `abcr.bclcVersion`: the BCLC edition of the recorded stages (§6.2: record `bclcVersion`).
    public var abcrBCLCVersion: BCLCVersion = .unstated
    /// `art.qualitativeMap` / `abcr.qualitativeMap`: ART or ABCR group (§6.1, §6.2) → risk-probability
    /// code (§9.3). The spec gives the groups, not this mapping: a design decision, like
    /// `ptace.qualitativeMap`, echoed in the output.
    public var artQualitativeMap: [String: QualitativeRisk] = ["0-1.5": .low, ">=2.5": .high]
    public var abcrQualitativeMap: [String: QualitativeRisk] = ["<=0": .low, "1-3": .moderate, ">=4": .high]
    static let artGroups = ["0-1.5", ">=2.5"], abcrGroups = ["<=0", "1-3", ">=4"]

    public init() {}

    public static var parameterNames: [String] {
        [
            "eval.windowDays", "eval.missingBreaksChain", "eval.nextSessionDayCounts",
            "session.assumeQualifying", "chain.breakOnOtherTreatment", "chain.nonQualifyingSession",
            "insufficient.threshold", "insufficient.aggregation", "insufficient.source", "insufficient.overallFallback",
            "progression.alsoCountMRECIST_PD", "progression.newLesionsImplyIncrease",
            "marker.r", "marker.d", "marker.analytes", "marker.combine",
            "marker.minBaseline.AFP", "marker.minBaseline.DCP", "marker.minBaseline.AFP-L3",
            "marker.minFollowUpValues", "marker.consecutive", "marker.baselineDays", "marker.followUpDays",
            "mvi.minGrade", "mvi.includeHepaticVein",
            "jsh.minConsecutive", "jsh.requireModification",
            "jsh2021.threshold", "jsh2021.runRule", "jsh2021.markerRule",
            "kr.minSessions", "kr.windowDays", "kr.anchor",
            "tw.sessions", "tw.windowDays", "tw.anchor",
            "zh.minConsecutive", "eu.maxSessions", "intent.carryForward", "art.labLookbackDays",
            "art.qualitativeMap", "abcr.qualitativeMap", "abcr.bclcLookbackDays", "abcr.bclcVersion",
        ]
    }

    /// Whether `name` is one of this configuration's parameters (the CLI routes `--set` by it).
    public static func knows(_ name: String) -> Bool { parameterNames.contains(name) }

    /// Sets a value by its dotted name from text (CLI `--set name=value`).
    public mutating func set(_ name: String, to text: String) throws(ConfigurationError) {
        let value = Self.trim(text)
        func invalid(_ accepted: String) -> ConfigurationError {
            ConfigurationError(reason: .invalidValue, name: name, value: text, accepted: accepted)
        }
        func choice<E: RawRepresentable & CaseIterable>(_: E.Type) throws(ConfigurationError) -> E where E.RawValue == String {
            for c in E.allCases where c.rawValue.lowercased() == value.lowercased() { return c }
            throw invalid(E.allCases.map(\.rawValue).joined(separator: " | "))
        }
        func flag() throws(ConfigurationError) -> Bool {
            switch value.lowercased() {
            case "true": return true
            case "false": return false
            default: throw invalid("true | false")
            }
        }
        func fraction() throws(ConfigurationError) -> Double {
            guard let d = Double(value), d.isFinite, d >= 0, d <= 1 else { throw invalid("a fraction from 0 to 1, e.g. 0.5") }
            return d
        }
        func count(_ range: ClosedRange<Int>, _ example: String) throws(ConfigurationError) -> Int {
            guard let n = Int(value), range.contains(n) else {
                throw invalid("a whole number from \(range.lowerBound) to \(range.upperBound), e.g. \(example)")
            }
            return n
        }
        func nonNegative() throws(ConfigurationError) -> Double {
            guard let d = Double(value), d.isFinite, d >= 0 else { throw invalid("a finite number >= 0") }
            return d
        }
        switch name {
        case "eval.windowDays":
            let parts = value.split(separator: "-", omittingEmptySubsequences: false).map { Int(Self.trim(String($0))) }
            guard parts.count == 2, let lo = parts[0], let hi = parts[1], lo >= 0, hi >= lo, hi <= 3650 else {
                throw invalid("two whole numbers of days LOW-HIGH with 0 <= LOW <= HIGH, e.g. 28-92")
            }
            evalWindowDays = lo...hi
        case "eval.missingBreaksChain": evalMissingBreaksChain = try flag()
        case "eval.nextSessionDayCounts": evalNextSessionDayCounts = try flag()
        case "session.assumeQualifying": sessionAssumeQualifying = try flag()
        case "chain.breakOnOtherTreatment": chainBreakOnOtherTreatment = try flag()
        case "chain.nonQualifyingSession": chainNonQualifyingSession = try choice(NonQualifyingSessionPolicy.self)
        case "insufficient.threshold": insufficientThreshold = try fraction()
        case "insufficient.aggregation": insufficientAggregation = try choice(LesionAggregation.self)
        case "insufficient.source": insufficientSource = try choice(InsufficiencySource.self)
        case "insufficient.overallFallback": insufficientOverallFallback = try flag()
        case "progression.alsoCountMRECIST_PD": progressionAlsoCountMRECISTPD = try flag()
        case "progression.newLesionsImplyIncrease": progressionNewLesionsImplyIncrease = try flag()
        case "marker.r":
            guard let d = Double(value), d.isFinite, d > 0, d <= 100 else { throw invalid("a positive fraction, e.g. 0.2 for a 20 % rise") }
            markerRise = d
        case "marker.d":
            guard let d = Double(value), d.isFinite, d >= 0, d < 1 else { throw invalid("a fraction from 0 to below 1, e.g. 0.2") }
            markerTolerance = d
        case "marker.analytes":
            var list: [MarkerAnalyte] = []
            for part in value.split(separator: ",") {
                let t = Self.trim(String(part)).uppercased()
                guard let a = MarkerAnalyte(rawValue: t), !list.contains(a) else {
                    throw invalid("a comma-separated list of distinct analytes from " + MarkerAnalyte.allCases.map(\.rawValue).joined(separator: ", "))
                }
                list.append(a)
            }
            guard !list.isEmpty else { throw invalid("at least one of " + MarkerAnalyte.allCases.map(\.rawValue).joined(separator: ", ")) }
            markerAnalytes = list
        case "marker.combine": markerCombine = try choice(MarkerCombination.self)
        case "marker.minBaseline.AFP": markerMinBaseline[.afp] = try nonNegative()
        case "marker.minBaseline.DCP": markerMinBaseline[.dcp] = try nonNegative()
        case "marker.minBaseline.AFP-L3": markerMinBaseline[.afpL3] = try nonNegative()
        case "marker.minFollowUpValues": markerMinFollowUpValues = try count(1...20, "2")
        case "marker.consecutive": markerConsecutive = try count(1...20, "1")
        case "marker.baselineDays": markerBaselineDays = try count(0...3650, "30")
        case "marker.followUpDays": markerFollowUpDays = try count(1...3650, "92")
        case "mvi.minGrade":
            guard value.count == 3, value.lowercased().hasPrefix("vp"), let g = Int(String(value.suffix(1))), (1...4).contains(g) else {
                throw invalid("Vp1 | Vp2 | Vp3 | Vp4")
            }
            mviMinGrade = g
        case "mvi.includeHepaticVein": mviIncludeHepaticVein = try flag()
        case "jsh.minConsecutive": jshMinConsecutive = try count(1...20, "2")
        case "jsh.requireModification": jshRequireModification = try flag()
        case "jsh2021.threshold": jsh2021Threshold = try fraction()
        case "jsh2021.runRule": jsh2021RunRule = try choice(JSH2021RunRule.self)
        case "jsh2021.markerRule": jsh2021MarkerRule = try choice(JSH2021MarkerRule.self)
        case "kr.minSessions": krMinSessions = try count(1...20, "3")
        case "kr.windowDays": krWindowDays = try count(1...3650, "183")
        case "kr.anchor": krAnchor = try choice(WindowAnchor.self)
        case "tw.sessions": twSessions = try count(2...3, "2 or 3")
        case "tw.anchor": twAnchor = try choice(WindowAnchor.self)
        case "tw.windowDays": twWindowDays = try count(1...3650, "183")
        case "zh.minConsecutive": zhMinConsecutive = try count(1...20, "3")
        case "eu.maxSessions": euMaxSessions = try count(1...20, "2")
        case "intent.carryForward": intentCarryForward = try flag()
        case "art.labLookbackDays": artLabLookbackDays = try count(0...3650, "30")
        case "abcr.bclcLookbackDays": abcrBCLCLookbackDays = try count(0...3650, "60")
        case "abcr.bclcVersion": abcrBCLCVersion = try choice(BCLCVersion.self)
        case "art.qualitativeMap":
            guard let map = Self.groupMap(value, groups: Self.artGroups) else {
                throw invalid("group=code for each ART group, comma-separated, codes " + QualitativeRisk.allCases.map(\.rawValue).joined(separator: " | ")
                    + ", e.g. 0-1.5=low,>=2.5=high")
            }
            artQualitativeMap = map
        case "abcr.qualitativeMap":
            guard let map = Self.groupMap(value, groups: Self.abcrGroups) else {
                throw invalid("group=code for each ABCR group, comma-separated, codes " + QualitativeRisk.allCases.map(\.rawValue).joined(separator: " | ")
                    + ", e.g. <=0=low,1-3=moderate,>=4=high")
            }
            abcrQualitativeMap = map
        default:
            throw ConfigurationError(reason: .unknownName, name: name, value: nil,
                                     accepted: Self.parameterNames.joined(separator: ", "))
        }
    }

    /// Every parameter name and the value in force, in `parameterNames` order.
    public var echo: [(name: String, value: String)] {
        Self.parameterNames.map { ($0, value(of: $0)) }
    }

    /// `name=value` pairs joined with `, `, prefixed by the configuration version.
    public var echoText: String {
        Self.version + ": " + echo.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
    }

    /// The echo restricted to the parameters one definition reads (for its `method.text`).
    public func echoText(for names: [String]) -> String {
        Self.version + ": " + names.map { "\($0)=\(value(of: $0))" }.joined(separator: ", ")
    }

    func value(of name: String) -> String {
        func n(_ x: Double) -> String { NumberText.exact(x) }
        switch name {
        case "eval.windowDays": return "\(evalWindowDays.lowerBound)-\(evalWindowDays.upperBound)"
        case "eval.missingBreaksChain": return "\(evalMissingBreaksChain)"
        case "eval.nextSessionDayCounts": return "\(evalNextSessionDayCounts)"
        case "session.assumeQualifying": return "\(sessionAssumeQualifying)"
        case "chain.breakOnOtherTreatment": return "\(chainBreakOnOtherTreatment)"
        case "chain.nonQualifyingSession": return chainNonQualifyingSession.rawValue
        case "insufficient.threshold": return n(insufficientThreshold)
        case "insufficient.aggregation": return insufficientAggregation.rawValue
        case "insufficient.source": return insufficientSource.rawValue
        case "insufficient.overallFallback": return "\(insufficientOverallFallback)"
        case "progression.alsoCountMRECIST_PD": return "\(progressionAlsoCountMRECISTPD)"
        case "progression.newLesionsImplyIncrease": return "\(progressionNewLesionsImplyIncrease)"
        case "marker.r": return n(markerRise)
        case "marker.d": return n(markerTolerance)
        case "marker.analytes": return markerAnalytes.map(\.rawValue).joined(separator: ",")
        case "marker.combine": return markerCombine.rawValue
        case "marker.minBaseline.AFP": return n(markerMinBaseline[.afp] ?? 0)
        case "marker.minBaseline.DCP": return n(markerMinBaseline[.dcp] ?? 0)
        case "marker.minBaseline.AFP-L3": return n(markerMinBaseline[.afpL3] ?? 0)
        case "marker.minFollowUpValues": return "\(markerMinFollowUpValues)"
        case "marker.consecutive": return "\(markerConsecutive)"
        case "marker.baselineDays": return "\(markerBaselineDays)"
        case "marker.followUpDays": return "\(markerFollowUpDays)"
        case "mvi.minGrade": return "Vp\(mviMinGrade)"
        case "mvi.includeHepaticVein": return "\(mviIncludeHepaticVein)"
        case "jsh.minConsecutive": return "\(jshMinConsecutive)"
        case "jsh.requireModification": return "\(jshRequireModification)"
        case "jsh2021.threshold": return n(jsh2021Threshold)
        case "jsh2021.runRule": return jsh2021RunRule.rawValue
        case "jsh2021.markerRule": return jsh2021MarkerRule.rawValue
        case "kr.minSessions": return "\(krMinSessions)"
        case "kr.windowDays": return "\(krWindowDays)"
        case "kr.anchor": return krAnchor.rawValue
        case "tw.sessions": return "\(twSessions)"
        case "tw.windowDays": return "\(twWindowDays)"
        case "tw.anchor": return twAnchor.rawValue
        case "zh.minConsecutive": return "\(zhMinConsecutive)"
        case "eu.maxSessions": return "\(euMaxSessions)"
        case "intent.carryForward": return "\(intentCarryForward)"
        case "art.labLookbackDays": return "\(artLabLookbackDays)"
        case "abcr.bclcLookbackDays": return "\(abcrBCLCLookbackDays)"
        case "abcr.bclcVersion": return abcrBCLCVersion.rawValue
        case "art.qualitativeMap": return Self.artGroups.map { "\($0)=\(artQualitativeMap[$0]?.rawValue ?? "")" }.joined(separator: ",")
        case "abcr.qualitativeMap": return Self.abcrGroups.map { "\($0)=\(abcrQualitativeMap[$0]?.rawValue ?? "")" }.joined(separator: ",")
        default: return ""
        }
    }

    /// `group=code,…` naming every group exactly once with a risk-probability code; nil otherwise.
    /// Split at the last `=` of each pair, since group names contain `=` (`>=2.5`).
    static func groupMap(_ text: String, groups: [String]) -> [String: QualitativeRisk]? {
        var map: [String: QualitativeRisk] = [:]
        for pair in text.split(separator: ",") {
            guard let eq = pair.lastIndex(of: "=") else { return nil }
            let group = trim(String(pair[..<eq])), code = trim(String(pair[pair.index(after: eq)...]))
            guard groups.contains(group), map[group] == nil, let risk = QualitativeRisk(rawValue: code) else { return nil }
            map[group] = risk
        }
        return map.count == groups.count ? map : nil
    }

    static func trim(_ s: String) -> String {
        var t = Substring(s)
        while let f = t.first, f == " " || f == "\t" { t.removeFirst() }
        while let l = t.last, l == " " || l == "\t" { t.removeLast() }
        return String(t)
    }
}
