import TACEModel

/// What a row of `xml-formats.csv` says about a site-described XML format.
///
/// TACEMappings checks the rows' structure only (known roles, required roles, one row per role,
/// names, URIs, status targets). Whether an XPath compiles is checked at start-up by the layer
/// that knows XML (`TACESiteXMLReader`), so that this module stays free of libxml2.
public enum XMLFormatRole: String, Sendable, CaseIterable, Comparable {
    /// key = the root element's local name, value = its namespace URI (empty: no namespace).
    case root
    /// key = a prefix, value = its namespace URI, for the format's XPaths.
    case namespace
    /// XPath from the document selecting each result element.
    case record
    /// XPaths evaluated with the record as context node (absolute paths work too).
    case patientID = "patient-id"
    case patientIDSystem = "patient-id-system"
    case code
    case codeSystem = "code-system"
    case display
    case value
    case valueSystem = "value-system"
    case unit
    case comparator
    case time
    case status
    case recordID = "record-id"
    case note
    /// key = a status as written (empty: no status), value = an observation status.
    case statusMap = "status-map"

    public static func < (a: XMLFormatRole, b: XMLFormatRole) -> Bool { a.rawValue < b.rawValue }

    /// Roles whose value is an XPath evaluated per record (or, for `record`, on the document).
    public var isExpression: Bool { self != .root && self != .namespace && self != .statusMap }

    /// Roles every format must have.
    public static let required: [XMLFormatRole] = [.root, .record, .patientID, .code, .value]
}

/// One expression of a format, with the row it came from.
public struct XMLFormatExpression: Sendable, Equatable {
    public var xpath: String
    public var file: String
    public var line: Int

    public init(xpath: String, file: String, line: Int) {
        self.xpath = xpath
        self.file = file
        self.line = line
    }
}

/// A site-described XML format: how to recognise a document and where each part of a result is.
public struct XMLFormatDescription: Sendable, Equatable {
    /// The format's name (`kestrel-lab-report`): lower-case letters, digits and `-`.
    public var name: String
    /// Local name and namespace (nil: none) of the root element that identifies the format.
    public var rootName: String
    public var rootNamespace: String?
    /// Prefix → namespace URI for the XPaths.
    public var namespaces: [String: String]
    /// XPath roles (`isExpression`) → expression.
    public var expressions: [XMLFormatRole: XMLFormatExpression]
    /// Status as written (trimmed; "" = no status) → observation status.
    public var statusMap: [String: ObservationStatus]
    /// The file and line of the format's `root` row (format-level problems point there).
    public var file: String
    public var line: Int

    public func expression(_ role: XMLFormatRole) -> XMLFormatExpression? { expressions[role] }
}

extension MappingTables {
    static let xmlFormatColumns = ["format", "role", "key", "value"]

    /// The format whose root element has this local name and namespace (nil: none), if any.
    public func xmlFormat(rootName: String, namespace: String?) -> XMLFormatDescription? {
        xmlFormats.first { $0.rootName == rootName && $0.rootNamespace == namespace }
    }

    /// Returns the tables with a site's `xml-formats.csv` merged over the defaults (nil = absent): a
    /// site format replaces the default format of the same name as a whole, any other is added.
    public func mergingXMLFormats(_ text: String?, file: String) throws(MappingError) -> MappingTables {
        guard let text else { return self }
        let site = try Self.parseXMLFormats(HeaderedTable(text: text, file: file, required: Self.xmlFormatColumns))
        let replaced = Set(site.map(\.name))
        var merged = self
        merged.xmlFormats = try Self.checkedRoots(xmlFormats.filter { !replaced.contains($0.name) } + site)
        // Replacing a default format changes what its documents mean: listed like any other override.
        for format in site {
            guard let old = xmlFormats.first(where: { $0.name == format.name }) else { continue }
            func root(_ f: XMLFormatDescription) -> String { "root " + (f.rootNamespace.map { "{\($0)}" } ?? "") + f.rootName }
            merged.siteOverrides.append(SiteOverride(
                key: "xml format \(format.name)", defaultMeaning: root(old), siteMeaning: root(format) + " (the whole format replaced)",
                defaultFile: old.file, defaultLine: old.line, siteFile: format.file, siteLine: format.line))
        }
        return merged
    }

    mutating func loadXMLFormats(_ text: String, file: String) throws(MappingError) {
        xmlFormats = try Self.checkedRoots(Self.parseXMLFormats(HeaderedTable(text: text, file: file, required: Self.xmlFormatColumns)))
    }

    /// Sorted by name; two formats may not claim the same root element (the later one in the
    /// given order, a site's, is the one reported).
    static func checkedRoots(_ formats: [XMLFormatDescription]) throws(MappingError) -> [XMLFormatDescription] {
        var claimed: [String: XMLFormatDescription] = [:]
        for format in formats {
            let key = (format.rootNamespace ?? "") + " " + format.rootName
            if let other = claimed[key] {
                throw MappingError(file: format.file, line: format.line,
                                   reason: "format '\(format.name)' has the same root element as '\(other.name)' (\(other.file):\(other.line)); give it the name '\(other.name)' to replace that format")
            }
            claimed[key] = format
        }
        return formats.sorted { $0.name < $1.name }
    }

    static func parseXMLFormats(_ table: HeaderedTable) throws(MappingError) -> [XMLFormatDescription] {
        struct Draft {
            var firstLine: Int
            var root: (name: String, namespace: String?, line: Int)?
            var namespaces: [String: (uri: String, line: Int)] = [:]
            var expressions: [XMLFormatRole: XMLFormatExpression] = [:]
            var statusMap: [String: (status: ObservationStatus, line: Int)] = [:]
        }
        var drafts: [String: Draft] = [:]
        var order: [String] = []
        let roleList = XMLFormatRole.allCases.map(\.rawValue).joined(separator: ", ")
        let statusList = ObservationStatus.allCases.map(\.rawValue).joined(separator: ", ")

        for row in table.rows {
            let name = table.field(row, "format").trimmingBlanks
            let roleText = table.field(row, "role").trimmingBlanks
            let key = table.field(row, "key").trimmingBlanks
            let value = table.field(row, "value").trimmingBlanks
            guard validFormatName(name) else {
                throw table.error(row, name.isEmpty ? "format is empty" : "format '\(name)' is not a valid name (lower-case letters, digits and '-', starting with a letter or digit, at most 64)")
            }
            guard let role = XMLFormatRole(rawValue: roleText) else {
                throw table.error(row, "unknown role '\(roleText)'; roles: \(roleList)")
            }
            if drafts[name] == nil {
                drafts[name] = Draft(firstLine: row.line)
                order.append(name)
            }
            switch role {
            case .root:
                if let first = drafts[name]?.root { throw table.error(row, "second root row for format '\(name)' (first on line \(first.line))") }
                guard validNCName(key) else {
                    throw table.error(row, key.isEmpty ? "root needs the root element's local name in 'key'" : "root element name '\(key)' is not an XML name without prefix")
                }
                if !value.isEmpty, let problem = uriProblem(value) { throw table.error(row, problem) }
                if value == "urn:hl7-org:v2xml" {
                    throw table.error(row, "urn:hl7-org:v2xml is HL7 v2 XML, which TACEBridge reads itself (no format rows needed)")
                }
                drafts[name]?.root = (key, value.isEmpty ? nil : value, row.line)
            case .namespace:
                guard validNCName(key), key != "xml", key != "xmlns" else {
                    throw table.error(row, key.isEmpty ? "namespace needs a prefix in 'key'" : "prefix '\(key)' is not a usable XML prefix")
                }
                if value.isEmpty { throw table.error(row, "namespace '\(key)' needs its URI in 'value'") }
                if let problem = uriProblem(value) { throw table.error(row, problem) }
                if let first = drafts[name]?.namespaces[key] {
                    throw table.error(row, "prefix '\(key)' declared twice for format '\(name)' (first on line \(first.line))")
                }
                drafts[name]?.namespaces[key] = (value, row.line)
            case .statusMap:
                guard let status = ObservationStatus(rawValue: value) else {
                    throw table.error(row, "status-map value '\(value)' is not an observation status; one of: \(statusList)")
                }
                if let first = drafts[name]?.statusMap[key] {
                    throw table.error(row, "status '\(key)' mapped twice for format '\(name)' (first on line \(first.line))")
                }
                drafts[name]?.statusMap[key] = (status, row.line)
            default:
                if !key.isEmpty { throw table.error(row, "role \(role.rawValue) takes no key (the XPath goes in 'value')") }
                if value.isEmpty { throw table.error(row, "role \(role.rawValue) needs an XPath in 'value'") }
                if let first = drafts[name]?.expressions[role] {
                    throw table.error(row, "second \(role.rawValue) row for format '\(name)' (first on line \(first.line))")
                }
                drafts[name]?.expressions[role] = XMLFormatExpression(xpath: value, file: table.file, line: row.line)
            }
        }

        var formats: [XMLFormatDescription] = []
        for name in order {
            guard let draft = drafts[name] else { continue }
            guard let root = draft.root else {
                throw MappingError(file: table.file, line: draft.firstLine, reason: "format '\(name)' has no root row (root element name and namespace)")
            }
            for role in XMLFormatRole.required where role.isExpression && draft.expressions[role] == nil {
                throw MappingError(file: table.file, line: root.line, reason: "format '\(name)' has no \(role.rawValue) row; required: \(XMLFormatRole.required.map(\.rawValue).joined(separator: ", "))")
            }
            let hasStatus = draft.expressions[.status] != nil
            if hasStatus && draft.statusMap.isEmpty {
                throw MappingError(file: table.file, line: draft.expressions[.status]?.line ?? root.line,
                                   reason: "format '\(name)' reads a status but has no status-map rows saying what each status means")
            }
            if !hasStatus, let written = draft.statusMap.first(where: { !$0.key.isEmpty }) {
                throw MappingError(file: table.file, line: written.value.line,
                                   reason: "status-map row for '\(written.key)' but format '\(name)' has no status row (only the empty key, meaning 'no status', applies without one)")
            }
            formats.append(XMLFormatDescription(
                name: name, rootName: root.name, rootNamespace: root.namespace,
                namespaces: draft.namespaces.mapValues(\.uri), expressions: draft.expressions,
                statusMap: draft.statusMap.mapValues(\.status), file: table.file, line: root.line))
        }
        return formats
    }

    static func validFormatName(_ name: String) -> Bool {
        let u = name.utf8
        guard let first = u.first, u.count <= 64, first &- 0x61 < 26 || first &- 0x30 < 10 else { return false }
        return u.allSatisfy { $0 &- 0x61 < 26 || $0 &- 0x30 < 10 || $0 == 0x2D }
    }

    /// An XML name without a colon (ASCII only: letters, digits, `_`, `-`, `.`; not starting with a digit, `-` or `.`).
    static func validNCName(_ name: String) -> Bool {
        let u = name.utf8
        guard let first = u.first, u.count <= 128, first &- 0x41 < 26 || first &- 0x61 < 26 || first == 0x5F else { return false }
        return u.allSatisfy { $0 &- 0x41 < 26 || $0 &- 0x61 < 26 || $0 &- 0x30 < 10 || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }
    }

    static func uriProblem(_ uri: String) -> String? {
        guard uri.contains(":"), !uri.utf8.contains(where: { $0 <= 0x20 || $0 == 0x22 || $0 == 0x3C || $0 == 0x3E }) else {
            return "'\(uri)' is not a namespace URI (expected e.g. urn:example:lab:1 or http://example.org/ns)"
        }
        return nil
    }
}
