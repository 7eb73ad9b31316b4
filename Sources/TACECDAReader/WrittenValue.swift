import TACEFHIRReader
import TACEModel
import TACEXML

/// A code as written in CDA (`code`/`value` of type CD, CE, CV, CO or a `translation`).
struct WrittenCode {
    var code: String
    /// The code system OID (or UUID) as written; nil when absent.
    var codeSystem: String?
    /// The element, for its displayName, read only for the code that is used.
    var element: XMLNode?

    var display: String? { element?.value(ofAttribute: "displayName") }
}

/// A unit as written in a PQ: `unit` is UCUM by definition (`isUCUM`), a PQR translation's code
/// in another system or original text is not.
struct WrittenUnit {
    var text: String
    var isUCUM: Bool
}

/// An observation's `<value>` as written, before mapping.
enum WrittenValue {
    /// PQ, IVL_PQ with one bound (or `[0, x]`), INT, REAL, or ST holding a number.
    case number(NumberText, unit: WrittenUnit?, type: String)
    /// CD, CE, CV, CO: the code and its translations, in order.
    case coded([WrittenCode], type: String)
    /// ST that is not a number.
    case text(type: String)
    /// A nullFlavor instead of a value.
    case absent(nullFlavor: String)
    /// A value that is not one number: an IVL_PQ range, a malformed literal, ….
    case notSingle(String)
    /// A data type TACEBridge does not read (ED, BL, TS, RTO, …) or no xsi:type at all.
    case unsupported(type: String)

    /// Reads one `<value>` element.
    static func read(_ value: XMLNode) -> WrittenValue {
        let type = xsiType(value)
        if let nullFlavor = value.trimmedValue(ofAttribute: "nullFlavor") {
            // nullFlavor OTH with a translation is how C-CDA sends what its value domain cannot
            // hold (a non-UCUM unit, a code outside the value set): the translation is the value.
            if nullFlavor == "OTH", let translated = otherTranslation(value, type: type) { return translated }
            return .absent(nullFlavor: nullFlavor)
        }
        switch type {
        case "PQ":
            guard let raw = value.value(ofAttribute: "value") else { return .notSingle("PQ without a value attribute") }
            guard let number = NumberText.literal(raw) else { return .notSingle("PQ value is not a number") }
            return .number(number, unit: pqUnit(value), type: type)
        case "IVL_PQ":
            return interval(value)
        case "INT":
            guard let raw = value.value(ofAttribute: "value"), let number = NumberText.literal(raw, integer: true) else {
                return .notSingle("INT value is not an integer")
            }
            return .number(number, unit: nil, type: type)
        case "REAL":
            guard let raw = value.value(ofAttribute: "value"), let number = NumberText.literal(raw) else {
                return .notSingle("REAL value is not a number")
            }
            return .number(number, unit: nil, type: type)
        case "ST":
            guard let text = try? value.text(maxBytes: 4096), let number = NumberText.statement(text) else { return .text(type: type) }
            return .number(number, unit: number.unitText.map { WrittenUnit(text: $0, isUCUM: false) }, type: type)
        case "CD", "CE", "CV", "CO":
            return .coded(codes(value), type: type)
        case "":
            return .unsupported(type: "(no xsi:type)")
        default:
            return .unsupported(type: type)
        }
    }

    /// `xsi:type` without its prefix (`PQ`, also from `v3:PQ`); "" when absent.
    static func xsiType(_ value: XMLNode) -> String {
        guard let raw = value.value(ofAttribute: "type", inNamespace: "http://www.w3.org/2001/XMLSchema-instance")
                ?? value.attribute("xsi:type") else { return "" }
        let trimmed = raw.trimmedBlanks
        if let colon = trimmed.utf8.lastIndex(of: 0x3A) { return String(trimmed[trimmed.utf8.index(after: colon)...]) }
        return trimmed
    }

    /// The code of a CD-like element followed by its translations (a code with a nullFlavor and
    /// no code contributes only its translations).
    static func codes(_ element: XMLNode) -> [WrittenCode] {
        var result: [WrittenCode] = []
        if let code = writtenCode(element) { result.append(code) }
        for child in element.elements where child.localNameFirstByte == 0x74 && child.localNameIs("translation") && child.isElement(in: "urn:hl7-org:v3") {
            if let code = writtenCode(child) { result.append(code) }
        }
        return result
    }

    static func writtenCode(_ element: XMLNode) -> WrittenCode? {
        guard let code = element.trimmedValue(ofAttribute: "code"), !code.isEmpty else { return nil }
        let system = element.trimmedValue(ofAttribute: "codeSystem")
        return WrittenCode(code: code, codeSystem: system?.isEmpty == false ? system : nil, element: element)
    }

    /// PQ `unit` (UCUM); nil when absent (CDA's default unit `1` is not assumed for a measurement).
    static func pqUnit(_ element: XMLNode) -> WrittenUnit? {
        guard let unit = element.trimmedValue(ofAttribute: "unit"), !unit.isEmpty else { return nil }
        return WrittenUnit(text: unit, isUCUM: true)
    }

    /// PQ with nullFlavor OTH: the PQR translation with a number is the value, its unit the
    /// translation's code (UCUM when its codeSystem is UCUM's OID) or its originalText. Several
    /// translations with a number are one value only when they are written alike (same number,
    /// same unit); otherwise which one is the value is not known (`notSingle`), never the first.
    /// CD with nullFlavor OTH: its translations are the codes.
    static func otherTranslation(_ value: XMLNode, type: String) -> WrittenValue? {
        let translations = value.elements(named: "translation", namespace: hl7)
        guard !translations.isEmpty else { return nil }
        if type == "PQ" {
            var found: [(NumberText, WrittenUnit?)] = []
            for t in translations {
                guard let raw = t.value(ofAttribute: "value"), let number = NumberText.literal(raw) else { continue }
                if let code = t.trimmedValue(ofAttribute: "code"), !code.isEmpty {
                    let ucum = t.trimmedValue(ofAttribute: "codeSystem") == ucumOID
                    found.append((number, WrittenUnit(text: code, isUCUM: ucum)))
                    continue
                }
                let original = t.firstChild(named: "originalText", namespace: hl7).flatMap { try? $0.text(maxBytes: 256) }?.trimmedBlanks
                found.append((number, original.flatMap { $0.isEmpty ? nil : WrittenUnit(text: $0, isUCUM: false) }))
            }
            guard let (number, unit) = found.first else { return nil }
            let alike = found.allSatisfy { $0.0.value == number.value && $0.1?.text == unit?.text && $0.1?.isUCUM == unit?.isUCUM }
            guard alike else {
                return .notSingle("nullFlavor OTH with \(found.count) translations holding different numbers or units: not known which is the value")
            }
            return .number(number, unit: unit, type: "PQ (translation)")
        }
        if ["CD", "CE", "CV", "CO"].contains(type) {
            let codes = translations.compactMap(writtenCode)
            return codes.isEmpty ? nil : .coded(codes, type: type)
        }
        return nil
    }

    static let ucumOID = "2.16.840.1.113883.6.8"

    /// IVL_PQ as one number with a comparator (docs/formats.md):
    /// - only `low` (or `high` is PINF): `>=` low, `>` when `inclusive="false"`;
    /// - only `high` (or `low` is NINF): `<=` high, `<` when `inclusive="false"`;
    /// - `low` 0 and `high` x: `<=` x (`<` x) — C-CDA's way of writing "less than" for a
    ///   quantity that cannot be negative;
    /// - `low` = `high`, both inclusive: that value;
    /// - any other pair of bounds, `center` or `width`: a range, not a single value.
    static func interval(_ value: XMLNode) -> WrittenValue {
        if value.firstChild(named: "center", namespace: hl7) != nil || value.firstChild(named: "width", namespace: hl7) != nil {
            return .notSingle("IVL_PQ given by center or width is a range, not a single value")
        }
        let low = bound(value.firstChild(named: "low", namespace: hl7))
        let high = bound(value.firstChild(named: "high", namespace: hl7))
        switch (low, high) {
        case (.malformed, _), (_, .malformed):
            return .notSingle("IVL_PQ bound is not a number")
        case (.finite(let l), .absent), (.finite(let l), .infinite):
            var n = l.number
            n.comparator = l.inclusive ? .greaterOrEqual : .greaterThan
            return .number(n, unit: l.unit, type: "IVL_PQ")
        case (.absent, .finite(let h)), (.infinite, .finite(let h)):
            var n = h.number
            n.comparator = h.inclusive ? .lessOrEqual : .lessThan
            return .number(n, unit: h.unit, type: "IVL_PQ")
        case (.finite(let l), .finite(let h)):
            if l.number.value == 0 {
                var n = h.number
                n.comparator = h.inclusive ? .lessOrEqual : .lessThan
                return .number(n, unit: h.unit ?? l.unit, type: "IVL_PQ")
            }
            if l.number.value == h.number.value && l.inclusive && h.inclusive && l.unit?.text == h.unit?.text {
                return .number(l.number, unit: l.unit, type: "IVL_PQ")
            }
            return .notSingle("IVL_PQ is a range with two bounds, not a single value")
        default:
            // No finite bound: a point written in the value attribute, else nothing.
            if let raw = value.value(ofAttribute: "value") {
                guard let number = NumberText.literal(raw) else { return .notSingle("IVL_PQ value is not a number") }
                return .number(number, unit: pqUnit(value), type: "IVL_PQ")
            }
            return .notSingle("IVL_PQ without a finite bound")
        }
    }

    struct FiniteBound {
        var number: NumberText
        var unit: WrittenUnit?
        var inclusive: Bool
    }

    enum Bound {
        case absent
        case infinite
        case finite(FiniteBound)
        case malformed
    }

    static func bound(_ element: XMLNode?) -> Bound {
        guard let element else { return .absent }
        if let nullFlavor = element.trimmedValue(ofAttribute: "nullFlavor") {
            return nullFlavor == "PINF" || nullFlavor == "NINF" ? .infinite : .absent
        }
        guard let raw = element.value(ofAttribute: "value") else { return .absent }
        guard let number = NumberText.literal(raw) else { return .malformed }
        let inclusive = element.trimmedValue(ofAttribute: "inclusive") != "false"
        return .finite(FiniteBound(number: number, unit: pqUnit(element), inclusive: inclusive))
    }
}
