import TACEXML

/// `negationInd` of a clinical statement or an `entryRelationship`, read as the XML Schema
/// boolean it is: its only lexical forms are `true`, `1`, `false` and `0` (blanks around them
/// collapsed). `TRUE`, `yes`, an empty value or anything else is not known to be either, and is
/// never read as "not negated".
enum Negation: Equatable {
    case affirmed, negated, invalid

    /// The element's `negationInd`; `affirmed` when it has none.
    static func of(_ element: XMLNode) -> Negation {
        guard let text = element.value(ofAttribute: "negationInd")?.trimmedBlanks else { return .affirmed }
        switch text {
        case "true", "1": return .negated
        case "false", "0": return .affirmed
        default: return .invalid
        }
    }

    /// Why an unreadable `negationInd` is invalid (the written value is not echoed: it is free text).
    static let invalidReason = "negationInd is not an XML Schema boolean (true, false, 1 or 0): not known whether the statement is negated"

    /// What a statement nested under `container` (an entryRelationship, or the statement it hangs
    /// from) is counted as when the container is negated or its negation is unreadable; nil otherwise.
    static func nestedUnder(_ negation: Negation, _ container: String) -> Unused? {
        switch negation {
        case .affirmed: return nil
        case .negated:
            return Unused(kind: .negated, detail: "nested in \(container) with negationInd true: negated, never read as a positive result")
        case .invalid:
            return Unused(kind: .invalidResource, detail: "nested in \(container) whose negationInd is not an XML Schema boolean: not known whether it is negated")
        }
    }
}
