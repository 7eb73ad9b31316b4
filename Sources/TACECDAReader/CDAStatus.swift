import TACEFHIRReader
import TACEModel

/// CDA `statusCode` (HL7 v3 ActStatus) of a result, as TACEBridge reads it (docs/formats.md).
enum ResultStatus {
    case usable(ObservationStatus)
    case excluded(String)

    /// `completed` → final; `active` → preliminary (not yet final); `new`, `held` → registered;
    /// `suspended` → preliminary; `normal` or no statusCode → unknown (read, never scored);
    /// `aborted`, `cancelled`, `nullified` (entered in error), `obsolete` (replaced) → excluded.
    /// Nil for a code outside ActStatus.
    static func of(_ code: String?) -> ResultStatus? {
        guard let code, !code.isEmpty else { return .usable(.unknown) }
        switch code {
        case "completed": return .usable(.final)
        case "active", "suspended": return .usable(.preliminary)
        case "new", "held": return .usable(.registered)
        case "normal": return .usable(.unknown)
        case "aborted": return .excluded("statusCode 'aborted': the observation was stopped before a result")
        case "cancelled": return .excluded("statusCode 'cancelled': the observation was never done")
        case "nullified": return .excluded("statusCode 'nullified': entered in error")
        case "obsolete": return .excluded("statusCode 'obsolete': replaced by another version")
        default: return nil
        }
    }

    /// HL7 v3 NullFlavor codes a report may quote.
    static let nullFlavors: Set<String> = ["NI", "INV", "DER", "OTH", "PINF", "NINF", "UNC", "MSK", "NA", "UNK", "ASKU", "NAV", "NASK", "NAVU", "QS", "TRC", "NP"]

    static let actStatusCodes = "normal, aborted, active, cancelled, completed, held, new, suspended, nullified, obsolete"
}

/// The moodCode of a clinical statement. Only `EVN` (an event that happened) is a result.
enum Mood {
    /// HL7 v3 ActMood codes a report may quote.
    static let codes: Set<String> = ["EVN", "RQO", "INT", "PRMS", "PRP", "GOL", "APT", "ARQ", "DEF", "EVN.CRT"]

    /// What a mood that is not EVN means, for the `order-not-result` detail.
    static func meaning(_ mood: String) -> String {
        switch mood {
        case "RQO": return "a request or order"
        case "INT": return "an intent (planned)"
        case "PRMS": return "a promise"
        case "PRP": return "a proposal"
        case "GOL": return "a goal"
        case "APT": return "an appointment"
        case "ARQ": return "an appointment request"
        case "DEF": return "a definition"
        case "EVN.CRT": return "an event criterion"
        default: return "not an event"
        }
    }
}
