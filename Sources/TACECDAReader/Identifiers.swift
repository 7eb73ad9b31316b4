import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML

extension DocumentWalker {
    /// recordTarget/patientRole/id → the patient's identifiers. An II with a root and an extension
    /// is (system, extension), the system coming from `assigning-authorities.csv` for the root, else
    /// `urn:oid:<root>` (`urn:uuid:` for a UUID root); an II with only a root is the root itself
    /// (system `urn:ietf:rfc:3986`, value `urn:oid:<root>`). Nil when no id has a root.
    func patientIdentity(_ recordTarget: XMLNode) -> PatientIdentity? {
        guard let role = recordTarget.firstChild(named: "patientRole", namespace: hl7) else { return nil }
        var identifiers: [PatientIdentifier] = []
        for id in role.elements(named: "id", namespace: hl7) {
            guard let identifier = patientIdentifier(id), !identifiers.contains(identifier) else { continue }
            identifiers.append(identifier)
        }
        return identifiers.isEmpty ? nil : PatientIdentity(reference: nil, identifiers: identifiers)
    }

    func patientIdentifier(_ id: XMLNode) -> PatientIdentifier? {
        let root = id.trimmedValue(ofAttribute: "root") ?? ""
        guard !root.isEmpty else { return nil }
        let extensionText = id.trimmedValue(ofAttribute: "extension") ?? ""
        if extensionText.isEmpty {
            return PatientIdentifier(system: Self.uriSystem, value: MappingTables.uriForUID(root))
        }
        return PatientIdentifier(system: identifierSystem(root: root), value: extensionText)
    }

    /// The identifier system of an II root: a row of `assigning-authorities.csv` (the table HL7 v2
    /// authorities use, so one row links both), else `urn:oid:` / `urn:uuid:`, else
    /// `urn:tacebridge:cda-root:<root>` for a root that is neither.
    func identifierSystem(root: String) -> String {
        if let system = mappings.identifierSystem(assigningAuthority: root) { return system }
        let uri = MappingTables.uriForUID(root)
        return uri == root ? Self.unknownRootPrefix + root : uri
    }

    static let uriSystem = "urn:ietf:rfc:3986"
    static let unknownRootPrefix = "urn:tacebridge:cda-root:"

    /// `root^extension` (or `root`) of an II, for record keys; nil without a root.
    func instanceKey(_ id: XMLNode) -> String? {
        let root = id.trimmedValue(ofAttribute: "root") ?? ""
        guard !root.isEmpty else { return nil }
        let extensionText = id.trimmedValue(ofAttribute: "extension") ?? ""
        return extensionText.isEmpty ? root : root + "^" + extensionText
    }

    /// The record key of a statement: the document's key and the statement's first id, else its path.
    func recordKey(_ parts: StatementParts, path: String) -> String {
        if let id = parts.firstID, let key = instanceKey(id) { return documentKey + "#" + key }
        return documentKey + "#" + path
    }
}

extension String {
    /// Without surrounding blanks (space, tab, CR, LF), as XML attribute values are compared.
    /// Scans bytes; returns `self` unchanged (no copy) in the common case of no blank at either end.
    var trimmedBlanks: String {
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last else { return self }
        if !blank(first) && !blank(last) { return self }
        guard let start = bytes.firstIndex(where: { !blank($0) }), let end = bytes.lastIndex(where: { !blank($0) }) else { return "" }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}

/// Source text in a report: withheld, only its length shown (`ReportText`, the rule of every reader),
/// since a misplaced attribute can carry patient data.
func echoable(_ text: String) -> String { ReportText.echoable(text) }

/// The text quoted when it is one of `codes` (a closed HL7 v3 code list), else withheld.
func echoable(_ text: String, oneOf codes: some Sequence<String>) -> String { ReportText.echoable(text, oneOf: codes) }

/// An element name for a location: itself when it looks like a name, else a placeholder.
func echoableName(_ name: String) -> String {
    ReportText.looksLikeCode(name) ? name : "(element)"
}

/// `system|code` for reports, withheld when it does not look like a code.
func codingText(_ system: String?, _ code: String) -> String { ReportText.codingText(system, code) }
