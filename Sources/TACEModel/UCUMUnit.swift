/// A unit of measure as a UCUM code (case-sensitive, as in FHIR `Quantity.code`
/// with system `http://unitsofmeasure.org`). Only units that TACEBridge knows how
/// to convert ever reach the model: unit text is resolved at the parse boundary.
public struct UCUMUnit: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ code: String) { self.rawValue = code }
    public var description: String { rawValue }

    public static let ngPerML = UCUMUnit("ng/mL")
    public static let unitsPerL = UCUMUnit("U/L")
    public static let gPerL = UCUMUnit("g/L")
    public static let gPerDL = UCUMUnit("g/dL")
    public static let umolPerL = UCUMUnit("umol/L")
    public static let mgPerDL = UCUMUnit("mg/dL")
    public static let inr = UCUMUnit("{INR}")
    public static let seconds = UCUMUnit("s")
    public static let perNanoliter = UCUMUnit("10*3/uL")
    public static let mgPerL = UCUMUnit("mg/L")
    public static let milliArbitraryUnitsPerML = UCUMUnit("m[arb'U]/mL")
    public static let percent = UCUMUnit("%")
    public static let cm = UCUMUnit("cm")
    public static let mm = UCUMUnit("mm")
    public static let count = UCUMUnit("1")
    public static let score = UCUMUnit("{score}")

    /// The display text used next to a value in human-readable output.
    public var displayText: String {
        switch rawValue {
        case "umol/L": return "µmol/L"
        case "10*3/uL": return "10^3/µL"
        case "m[arb'U]/mL": return "mAU/mL"
        case "{INR}": return "INR"
        case "1": return ""
        case "{score}": return "points"
        default: return rawValue
        }
    }
}
