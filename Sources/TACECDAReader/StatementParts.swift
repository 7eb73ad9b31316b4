import TACEXML

/// The child elements of a clinical statement that the reader uses, found in one pass over its
/// children (names compared in place, no `String` per child): a statement is visited once, and
/// its parts are looked at several times.
struct StatementParts {
    var firstID: XMLNode?
    var code: XMLNode?
    var statusCode: XMLNode?
    var effectiveTime: XMLNode?
    var value: XMLNode?
    var valueCount = 0
    var interpretations: [XMLNode] = []
    var relationships: [XMLNode] = []
    /// `component` children (of an organizer).
    var components: [XMLNode] = []

    init(_ statement: XMLNode) {
        for child in statement.elements where child.isElement(in: "urn:hl7-org:v3") {
            switch child.localNameFirstByte {
            case 0x69: // i
                if firstID == nil, child.localNameIs("id") { firstID = child }
                else if child.localNameIs("interpretationCode") { interpretations.append(child) }
            case 0x63: // c
                if child.localNameIs("code") { code = code ?? child }
                else if child.localNameIs("component") { components.append(child) }
            case 0x73: // s
                if statusCode == nil, child.localNameIs("statusCode") { statusCode = child }
            case 0x65: // e
                if child.localNameIs("entryRelationship") { relationships.append(child) }
                else if effectiveTime == nil, child.localNameIs("effectiveTime") { effectiveTime = child }
            case 0x76: // v
                if child.localNameIs("value") {
                    if value == nil { value = child }
                    valueCount += 1
                }
            default:
                break
            }
        }
    }

    /// `statusCode/@code`, nil when absent or empty.
    var status: String? {
        guard let code = statusCode?.trimmedValue(ofAttribute: "code"), !code.isEmpty else { return nil }
        return code
    }
}

/// The kind of a CDA clinical statement, from its element name.
enum StatementKind {
    case observation, organizer, procedure, act, other

    /// The statement element inside an entry, organizer component or entryRelationship, with its kind and name.
    static func find(in container: XMLNode) -> (XMLNode, StatementKind, StaticString)? {
        for child in container.elements {
            if let (kind, name) = of(child) { return (child, kind, name) }
        }
        return nil
    }

    /// The kind and element name of a clinical statement element; nil for any other element.
    static func of(_ element: XMLNode) -> (StatementKind, StaticString)? {
        guard element.isElement(in: "urn:hl7-org:v3") else { return nil }
        switch element.localNameFirstByte {
        case 0x6F: // o
            if element.localNameIs("observation") { return (.observation, "observation") }
            if element.localNameIs("organizer") { return (.organizer, "organizer") }
            if element.localNameIs("observationMedia") { return (.other, "observationMedia") }
        case 0x70: // p
            if element.localNameIs("procedure") { return (.procedure, "procedure") }
        case 0x61: // a
            if element.localNameIs("act") { return (.act, "act") }
        case 0x73: // s
            if element.localNameIs("substanceAdministration") { return (.other, "substanceAdministration") }
            if element.localNameIs("supply") { return (.other, "supply") }
        case 0x65: // e
            if element.localNameIs("encounter") { return (.other, "encounter") }
        case 0x72: // r
            if element.localNameIs("regionOfInterest") { return (.other, "regionOfInterest") }
        default:
            break
        }
        return nil
    }
}

/// `[n]` for the n-th (1-based) of several same-named siblings, "" for an only child: XPath positions.
@inline(__always)
func position(_ index: Int, of count: Int) -> String {
    count == 1 ? "" : "[\(index + 1)]"
}
