import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML

let hl7 = XMLNamespaces.hl7

/// What a clinical statement inherits from the statements it is nested in.
struct Inherited {
    /// The nearest enclosing statement's effectiveTime (an organizer's, or the observation an
    /// `entryRelationship` hangs from), used when a statement gives none of its own.
    var time: ClinicalTime?
    /// The nearest enclosing statement's statusCode, used when a statement gives none.
    var status: String?
    /// The moodCode of an enclosing statement that is not an event (`RQO`, `INT`, …): everything
    /// nested in an order or a plan is part of it, never a result.
    var nonEventMood: String?
    /// Set inside a negated `entryRelationship` or statement (`negationInd` true or 1), or one whose
    /// `negationInd` is unreadable: what every statement nested there is counted as instead of a result.
    var negation: Unused? = nil

    static let none = Inherited()
}

/// Walks one CDA document or fragment: the header (document id, record target), the body's
/// sections and their entries, and every clinical statement nested in them.
struct DocumentWalker {
    let reader: CDAReader
    let file: String
    var mappings: MappingTables { reader.mappings }
    /// The record key's document part: `cda:<root>^<extension>` of ClinicalDocument/id.
    var documentKey = ""
    var identity: PatientIdentity? = nil
    /// Why results have no patient, for the `no-subject` count.
    var noSubjectReason = "no recordTarget"
    /// Counts of the common statements, added to the report's `resourcesByType` once per document
    /// (a `String`-keyed dictionary update per statement is measurable on large documents).
    var observations = 0, organizers = 0, sections = 0
    /// The code systems of the OIDs met so far in this document.
    let codeSystems = CodeSystemCache()

    init(reader: CDAReader, file: String) {
        self.reader = reader
        self.file = file
        self.documentKey = "cda-file:" + file
    }

    mutating func read(root: XMLNode, into out: inout FHIRReadOutput) throws(CDAReadError) {
        defer {
            for (type, count) in [("CDA observation", observations), ("CDA organizer", organizers), ("CDA section", sections)] where count > 0 {
                out.report.resourcesByType[type, default: 0] += count
            }
        }
        let name = root.name
        guard root.isElement(inNamespace: hl7) else {
            throw CDAReadError(file: file, location: "/" + echoableName(name) + " (line \(root.line))",
                               reason: "the root element is not in the CDA namespace urn:hl7-org:v3")
        }
        if name == "ClinicalDocument" {
            return try readDocument(root, into: &out)
        }
        out.report.resourcesByType["CDA fragment <\(name)>", default: 0] += 1
        noSubjectReason = "a fragment (root <\(name)>) has no recordTarget, so no patient"
        let path = "/" + name
        switch name {
        case "structuredBody": try readBody(root, path: path, into: &out)
        case "component":
            if let body = root.firstChild(named: "structuredBody", namespace: hl7) {
                try readBody(body, path: path + "/structuredBody", into: &out)
            } else if let section = root.firstChild(named: "section", namespace: hl7) {
                try readSection(section, path: path + "/section", into: &out)
            } else {
                try readContainer(root, path: path, inherited: .none, into: &out)
            }
        case "section": try readSection(root, path: path, into: &out)
        case "entry": try readContainer(root, path: path, inherited: .none, into: &out)
        default:
            // A clinical statement at the root: found as if it were inside an entry.
            guard let (kind, _) = StatementKind.of(root) else {
                throw CDAReadError(file: file, location: path + " (line \(root.line))",
                                   reason: "a CDA fragment with root <\(name)> holds no results: TACEBridge reads a ClinicalDocument, "
                                       + "or a structuredBody, component, section, entry or clinical statement (observation, organizer, procedure, act)")
            }
            try readStatement(root, kind: kind, name: name, path: path, inherited: .none, into: &out)
        }
    }

    // MARK: Document, body, sections

    mutating func readDocument(_ document: XMLNode, into out: inout FHIRReadOutput) throws(CDAReadError) {
        out.report.resourcesByType["CDA ClinicalDocument", default: 0] += 1
        let path = "/ClinicalDocument"
        if let id = document.firstChild(named: "id", namespace: hl7), let key = instanceKey(id) {
            documentKey = "cda:" + key
        }
        let targets = document.elements(named: "recordTarget", namespace: hl7)
        switch targets.count {
        case 0: noSubjectReason = "the document has no recordTarget"
        case 1:
            identity = patientIdentity(targets[0])
            noSubjectReason = "recordTarget/patientRole has no id with a root"
        default:
            noSubjectReason = "the document has \(targets.count) recordTargets: its results cannot be given to one patient"
        }
        for (component, suffix) in indexed(document, "component") {
            let componentPath = path + "/component" + suffix
            if let body = component.firstChild(named: "structuredBody", namespace: hl7) {
                try readBody(body, path: componentPath + "/structuredBody", into: &out)
            } else if let other = component.firstChild(named: "nonXMLBody", namespace: hl7) {
                out.report.resourcesByType["CDA nonXMLBody", default: 0] += 1
                skip(&out, componentPath + "/nonXMLBody (line \(other.line))", "nonXMLBody", .ignoredResourceType,
                     "nonXMLBody: an unstructured document (text, PDF or image), no coded results")
            }
        }
    }

    mutating func readBody(_ body: XMLNode, path: String, into out: inout FHIRReadOutput) throws(CDAReadError) {
        for (component, suffix) in indexed(body, "component") {
            if let section = component.firstChild(named: "section", namespace: hl7) {
                try readSection(section, path: path + "/component" + suffix + "/section", into: &out)
            }
        }
    }

    mutating func readSection(_ section: XMLNode, path: String, into out: inout FHIRReadOutput) throws(CDAReadError) {
        sections += 1
        let entries = section.elements(named: "entry", namespace: hl7)
        for (i, entry) in entries.enumerated() {
            try readContainer(entry, path: path, segment: "entry", index: i, count: entries.count, inherited: .none, into: &out)
        }
        for (component, suffix) in indexed(section, "component") {
            if let nested = component.firstChild(named: "section", namespace: hl7) {
                try readSection(nested, path: path + "/component" + suffix + "/section", into: &out)
            }
        }
    }

    // MARK: Clinical statements

    /// The clinical statement inside an entry, organizer component or entryRelationship. `path` is the
    /// container's path, or with `segment` its parent's (the container's name and position are then
    /// added here, so that each statement's path is built in one piece).
    mutating func readContainer(_ container: XMLNode, path: String, segment: StaticString? = nil, index: Int = 0, count: Int = 1,
                                inherited: Inherited, into out: inout FHIRReadOutput) throws(CDAReadError) {
        guard let (statement, kind, name) = StatementKind.find(in: container) else { return }
        let full: String
        if let segment {
            full = PathText.child(path, segment, position: count == 1 ? nil : index + 1, name)
        } else {
            full = PathText.child(path, name)
        }
        try readStatement(statement, kind: kind, name: name.description, path: full, inherited: inherited, into: &out)
    }

    mutating func readStatement(_ statement: XMLNode, kind: StatementKind, name: String, path: String, inherited: Inherited,
                                into out: inout FHIRReadOutput) throws(CDAReadError) {
        let parts = StatementParts(statement)
        switch kind {
        case .observation: try readObservation(statement, parts: parts, path: path, inherited: inherited, into: &out)
        case .procedure: try readProcedure(statement, parts: parts, type: "procedure", path: path, inherited: inherited, into: &out)
        case .organizer: try readOrganizer(statement, parts: parts, path: path, inherited: inherited, into: &out)
        case .act:
            // An act coded as a TACE session (or another treatment) is read like a procedure; any other act is a container
            // (problem or allergy concern, DICOM study), read for the statements nested in it.
            if isTACE(parts) {
                try readProcedure(statement, parts: parts, type: "act", path: path, inherited: inherited, into: &out)
            } else {
                out.report.resourcesByType["CDA act", default: 0] += 1
                try checkNegation(statement, name: name, path: path, into: &out)
                try readRelationships(parts, path: path, inherited: nested(statement, parts, inherited), into: &out)
            }
        case .other:
            out.report.resourcesByType["CDA " + name, default: 0] += 1
            if Negation.of(statement) == .invalid {
                try checkNegation(statement, name: name, path: path, into: &out)
            } else {
                skip(&out, path + " (line \(statement.line))", name, .ignoredResourceType, "CDA \(name) is not read by TACEBridge")
            }
            try readRelationships(parts, path: path, inherited: nested(statement, parts, inherited), into: &out)
        }
    }

    mutating func readOrganizer(_ organizer: XMLNode, parts: StatementParts, path: String, inherited: Inherited,
                                into out: inout FHIRReadOutput) throws(CDAReadError) {
        organizers += 1
        try checkNegation(organizer, name: "organizer", path: path, into: &out)
        let context = nested(organizer, parts, inherited)
        let count = parts.components.count
        for (i, component) in parts.components.enumerated() {
            try readContainer(component, path: path, segment: "component", index: i, count: count, inherited: context, into: &out)
        }
    }

    /// Statements hanging from a statement through entryRelationship.
    mutating func readRelationships(_ parts: StatementParts, path: String, inherited: Inherited, into out: inout FHIRReadOutput) throws(CDAReadError) {
        let count = parts.relationships.count
        for (i, relationship) in parts.relationships.enumerated() {
            var context = inherited
            let negation = Negation.of(relationship)
            if negation == .invalid {
                try invalid(&out, path + "/entryRelationship" + position(i, of: count) + "/@negationInd (line \(relationship.line))",
                            "entryRelationship", Negation.invalidReason)
            }
            if context.negation == nil { context.negation = Negation.nestedUnder(negation, "an entryRelationship") }
            try readContainer(relationship, path: path, segment: "entryRelationship", index: i, count: count, inherited: context, into: &out)
        }
    }

    /// A container statement (an organizer, an act that is no treatment, a statement not read) whose
    /// `negationInd` is unreadable is invalid: the statements nested in it are not known to be affirmed.
    /// (An observation's or procedure's own is checked with its mood.)
    func checkNegation(_ statement: XMLNode, name: String, path: String, into out: inout FHIRReadOutput) throws(CDAReadError) {
        if Negation.of(statement) == .invalid {
            try invalid(&out, path + "/@negationInd (line \(statement.line))", name, Negation.invalidReason)
        }
    }

    /// What the statements nested in a statement inherit from it: its time, status, non-event mood and negation.
    func nested(_ statement: XMLNode, _ parts: StatementParts, _ inherited: Inherited) -> Inherited {
        var context = inherited
        if context.negation == nil {
            let negation = Negation.of(statement)
            if negation != .affirmed { context.negation = Negation.nestedUnder(negation, "an enclosing <\(statement.name)>") }
        }
        if let time = try? effectiveTime(parts) { context.time = time } else { context.time = parts.time(inheriting: context.time) }
        context.status = parts.status(inheriting: context.status)
        if context.nonEventMood == nil, !statement.attribute("moodCode", is: "EVN"),
           let mood = statement.trimmedValue(ofAttribute: "moodCode"), mood != "EVN" {
            context.nonEventMood = mood
        }
        return context
    }

    // MARK: Helpers

    /// Child elements named `name` (CDA namespace) with their XPath position: "" when the name
    /// occurs once among the siblings, "[n]" (1-based) when it occurs more often.
    func indexed(_ node: XMLNode, _ name: String) -> [(XMLNode, String)] {
        let children = node.elements(named: name, namespace: hl7)
        if children.count == 1 { return [(children[0], "")] }
        return children.enumerated().map { ($0.element, "[\($0.offset + 1)]") }
    }

    func skip(_ out: inout FHIRReadOutput, _ location: String, _ type: String, _ kind: SkipKind, _ detail: String) {
        out.report.skip(SkippedItem(file: file, location: location, resourceType: "CDA " + type, kind: kind, detail: detail))
    }

    /// An element that breaks its data type: stops the run, or with `--on-invalid skip` is counted.
    func invalid(_ out: inout FHIRReadOutput, _ location: String, _ type: String, _ reason: String) throws(CDAReadError) {
        if reader.invalidPolicy == .fail { throw CDAReadError(file: file, location: location, reason: reason) }
        skip(&out, location, type, .invalidResource, reason)
    }
}
