import TACEModel
import TACEXML

/// An explicit null (`nullFlavor`) on a statement's statusCode or effectiveTime says its status or
/// time is unknown: the enclosing statement's is then not taken in its place (an organizer's time
/// or status is inherited only by a statement that gives none).
extension StatementParts {
    /// The statusCode a statement's results take: its own `@code`; nil (unknown) when its statusCode
    /// is a null (`nullFlavor` without a code); else the enclosing statement's, `outer`.
    func status(inheriting outer: String?) -> String? {
        if let own = status { return own }
        if let statusCode, statusCode.hasAttribute("nullFlavor") { return nil }
        return outer
    }

    /// The time a statement takes when its effectiveTime gives no value (`value`, `low/@value` or
    /// `center/@value`): nil (unknown) when the effectiveTime, or its `low` or `center`, is a null
    /// (`nullFlavor`); else the enclosing statement's, `outer`.
    func time(inheriting outer: ClinicalTime?) -> ClinicalTime? {
        guard let effectiveTime else { return outer }
        if effectiveTime.hasAttribute("nullFlavor") { return nil }
        for part in ["low", "center"] {
            if let element = effectiveTime.firstChild(named: part, namespace: hl7), element.hasAttribute("nullFlavor") { return nil }
        }
        return outer
    }
}
