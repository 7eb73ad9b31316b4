import TACEModel

/// HL7 risk-probability codes (CodeSystem `http://terminology.hl7.org/CodeSystem/risk-probability`, clinical reference §9.3).
public enum QualitativeRisk: String, Sendable, CaseIterable {
    case negligible, low, moderate, high, certain

    public var display: String {
        switch self {
        case .negligible: return "Negligible likelihood"
        case .low: return "Low likelihood"
        case .moderate: return "Moderate likelihood"
        case .high: return "High likelihood"
        case .certain: return "Certain"
        }
    }
}

/// `albi.roundTo` (§1): ALBI is graded unrounded unless configured otherwise.
public enum ALBIRounding: String, Sendable, CaseIterable {
    case none = "none"
    case twoDecimals = "2"
}

/// `childPugh.siBilirubinCutoffs` (§2, §11 #8).
public enum ChildPughSICutoffs: String, Sendable, CaseIterable {
    /// 2 and 3 mg/dL converted with 17.104 µmol/L per mg/dL (34.208 / 51.312 µmol/L). Default.
    case exactFromMgDl = "exactFromMgDl"
    /// The rounded SI table: < 34 → 1, 34–50 → 2, > 50 µmol/L → 3.
    case rounded34And50 = "34/50"
}

/// `childPugh.coagulationInput` (§2): which coagulation row of the table is scored.
public enum CoagulationInput: String, Sendable, CaseIterable {
    case inr = "INR"
    case ptProlongationSeconds = "PT_prolongation_s"
}

/// `ptace.probabilitySource` (§3.4).
public enum ProbabilitySource: String, Sendable, CaseIterable {
    /// Table 5 training-cohort estimated risk of the patient's grade. Default.
    case gradeTable = "gradeTable"
    /// Table 3 logistic model with the effective 0/1-coding intercept `ptace.intercept`.
    case logisticModel = "logisticModel"
}

/// A rejected configuration setting. Texts name the parameter and the accepted
/// values; they never involve patient data.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case unknownName
        case invalidValue
    }
    public var reason: Reason
    /// The parameter name as given.
    public var name: String
    /// The rejected value text (`nil` for an unknown name).
    public var value: String?
    /// What would have been accepted.
    public var accepted: String

    public init(reason: Reason, name: String, value: String?, accepted: String) {
        self.reason = reason
        self.name = name
        self.value = value
        self.accepted = accepted
    }

    public var description: String {
        switch reason {
        case .unknownName:
            return "unknown scoring parameter '\(name)'; known parameters: \(accepted)"
        case .invalidValue:
            return "invalid value '\(value ?? "")' for \(name); accepted: \(accepted)"
        }
    }
}

/// Every value of the scoring rules that the clinical reference marks as unverified,
/// conflicting or a design choice. Values are echoed in every result (`echo`).
public struct ScoringConfiguration: Sendable, Equatable {
    public static let version = "tacebridge-scoring-config-v1"

    /// `albi.albuminCoefficient`: −0.085 (Johnson 2015 as quoted) vs −0.0852 seen in code (§1, §11 #7).
    public var albiAlbuminCoefficient: Double = -0.085
    /// `albi.roundTo`: none | 2.
    public var albiRounding: ALBIRounding = .none
    /// `albi.maxPairGapDays`: bilirubin and albumin at most this many days apart (design choice, §1).
    public var albiMaxPairGapDays: Double = 7
    /// `childPugh.siBilirubinCutoffs`: exactFromMgDl | 34/50.
    public var childPughSIBilirubinCutoffs: ChildPughSICutoffs = .exactFromMgDl
    /// `childPugh.coagulationInput`: INR | PT_prolongation_s.
    public var childPughCoagulationInput: CoagulationInput = .inr
    /// `ptace.probabilitySource`: gradeTable | logisticModel.
    public var ptaceProbabilitySource: ProbabilitySource = .gradeTable
    /// `ptace.intercept`: effective intercept β0′ for 0/1 coding (§3.4). The literal Table 3
    /// constant −5.242 is refused by `set` (it does not reproduce Table 5 under 0/1 coding).
    public var ptaceIntercept: Double = -2.448
    /// `ptace.labLookbackDays` (§3.7).
    public var labLookbackDays: Double = 30
    /// `ptace.imagingLookbackDays` (§3.7).
    public var imagingLookbackDays: Double = 60
    /// `ptace.qualitativeMap`: p-TACE grade → risk-probability code (§9.3, design decision).
    public var qualitativeMap: [Int: QualitativeRisk] = [1: .low, 2: .moderate, 3: .moderate, 4: .high, 5: .high, 6: .high]

    public init() {}

    /// The Table 3 constant that must never be used with 0/1 indicator coding (§3.4).
    public static let refusedLiteralIntercept = -5.242

    public static var parameterNames: [String] {
        [
            "albi.albuminCoefficient",
            "albi.roundTo",
            "albi.maxPairGapDays",
            "childPugh.siBilirubinCutoffs",
            "childPugh.coagulationInput",
            "ptace.probabilitySource",
            "ptace.intercept",
            "ptace.labLookbackDays",
            "ptace.imagingLookbackDays",
            "ptace.qualitativeMap",
        ]
    }

    /// Sets a value by its dotted name from text (CLI `--set name=value` / config file).
    public mutating func set(_ name: String, to text: String) throws(ConfigurationError) {
        let value = Self.trim(text)
        func invalid(_ accepted: String) -> ConfigurationError {
            ConfigurationError(reason: .invalidValue, name: name, value: text, accepted: accepted)
        }
        func choice<E: RawRepresentable & CaseIterable>(_: E.Type) throws(ConfigurationError) -> E where E.RawValue == String {
            for c in E.allCases where c.rawValue == value || c.rawValue.lowercased() == value.lowercased() {
                return c
            }
            throw invalid(E.allCases.map(\.rawValue).joined(separator: " | "))
        }
        func number(_ accepted: String, _ ok: (Double) -> Bool) throws(ConfigurationError) -> Double {
            guard let d = Double(value), d.isFinite, ok(d) else { throw invalid(accepted) }
            return d
        }
        switch name {
        case "albi.albuminCoefficient":
            albiAlbuminCoefficient = try number("a finite negative decimal, e.g. -0.085 or -0.0852") { $0 < 0 }
        case "albi.roundTo":
            albiRounding = try choice(ALBIRounding.self)
        case "albi.maxPairGapDays":
            albiMaxPairGapDays = try number("a finite number of days >= 0, e.g. 7") { $0 >= 0 }
        case "childPugh.siBilirubinCutoffs":
            childPughSIBilirubinCutoffs = try choice(ChildPughSICutoffs.self)
        case "childPugh.coagulationInput":
            childPughCoagulationInput = try choice(CoagulationInput.self)
        case "ptace.probabilitySource":
            ptaceProbabilitySource = try choice(ProbabilitySource.self)
        case "ptace.intercept":
            ptaceIntercept = try number(
                "a finite decimal other than the literal Table 3 constant -5.242, which is inconsistent with 0/1 coding (clinical reference 3.4); default -2.448"
            ) { $0 != Self.refusedLiteralIntercept }
        case "ptace.labLookbackDays":
            labLookbackDays = try number("a finite number of days >= 0, e.g. 30") { $0 >= 0 }
        case "ptace.imagingLookbackDays":
            imagingLookbackDays = try number("a finite number of days >= 0, e.g. 60") { $0 >= 0 }
        case "ptace.qualitativeMap":
            guard let map = Self.parseQualitativeMap(value) else {
                throw invalid("grade=code for each grade 1-6, comma-separated, codes "
                    + QualitativeRisk.allCases.map(\.rawValue).joined(separator: " | ")
                    + ", e.g. 1=low,2=moderate,3=moderate,4=high,5=high,6=high")
            }
            qualitativeMap = map
        default:
            throw ConfigurationError(reason: .unknownName, name: name, value: nil,
                                     accepted: Self.parameterNames.joined(separator: ", "))
        }
    }

    /// Every parameter name and the value in force, in `parameterNames` order.
    public var echo: [(name: String, value: String)] {
        Self.parameterNames.map { name in (name, value(of: name)) }
    }

    /// `name=value` pairs joined with `, `, prefixed by the configuration version.
    public var echoText: String {
        Self.version + ": " + echo.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
    }

    private func value(of name: String) -> String {
        switch name {
        case "albi.albuminCoefficient": return NumberText.exact(albiAlbuminCoefficient)
        case "albi.roundTo": return albiRounding.rawValue
        case "albi.maxPairGapDays": return NumberText.exact(albiMaxPairGapDays)
        case "childPugh.siBilirubinCutoffs": return childPughSIBilirubinCutoffs.rawValue
        case "childPugh.coagulationInput": return childPughCoagulationInput.rawValue
        case "ptace.probabilitySource": return ptaceProbabilitySource.rawValue
        case "ptace.intercept": return NumberText.exact(ptaceIntercept)
        case "ptace.labLookbackDays": return NumberText.exact(labLookbackDays)
        case "ptace.imagingLookbackDays": return NumberText.exact(imagingLookbackDays)
        case "ptace.qualitativeMap":
            return qualitativeMap.keys.sorted().map { "\($0)=\(qualitativeMap[$0]!.rawValue)" }.joined(separator: ",")
        default: return ""
        }
    }

    private static func trim(_ s: String) -> String {
        var t = Substring(s)
        while let f = t.first, f == " " || f == "\t" { t.removeFirst() }
        while let l = t.last, l == " " || l == "\t" { t.removeLast() }
        return String(t)
    }

    private static func parseQualitativeMap(_ text: String) -> [Int: QualitativeRisk]? {
        var map: [Int: QualitativeRisk] = [:]
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", omittingEmptySubsequences: false)
            guard pair.count == 2, let grade = Int(trim(String(pair[0]))), (1...6).contains(grade),
                  map[grade] == nil, let risk = QualitativeRisk(rawValue: trim(String(pair[1])))
            else { return nil }
            map[grade] = risk
        }
        return map.count == 6 ? map : nil
    }
}
