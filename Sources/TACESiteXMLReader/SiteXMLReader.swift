import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML

/// A record that breaks what its format's rows promise (a status the status map does not list, a
/// time that is no ISO 8601 date/time, an XPath that fails on this document). Carries where and
/// why, never values.
public struct SiteXMLReadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// `record 3 (line 41: (/k:LabReport/k:Results/k:Analysis)[3])`, with the role at fault.
    public var location: String
    public var reason: String
    public var description: String { "\(file): \(location): \(reason)" }
}

/// Reads XML lab reports whose format a site describes in `xml-formats.csv` (see
/// `XMLFormatDescription`) into typed observations, through the same code, value and unit tables
/// as every other reader, into the FHIR reader's output and report types.
///
/// Each element the format's `record` XPath selects is one result. Its parts come from the
/// format's other XPaths, evaluated with the record as context node. Whatever cannot be used is
/// counted in the report with the record's position (`record <n>` and an XPath that selects it
/// again, plus its line); nothing is dropped silently and no value appears in a report detail.
public struct SiteXMLReader: Sendable {
    public var mappings: MappingTables
    public var invalidPolicy: InvalidResourcePolicy

    public init(mappings: MappingTables, invalidPolicy: InvalidResourcePolicy = .fail) {
        self.mappings = mappings
        self.invalidPolicy = invalidPolicy
    }

    /// The format whose root element `root` is (local name and namespace), if a table row names it.
    public func format(for root: XMLNode) -> XMLFormatDescription? {
        mappings.xmlFormat(rootName: root.name, namespace: root.namespaceURI)
    }

    /// Prefix of the identifier system of a patient whose authority is neither in
    /// `assigning-authorities.csv` nor a URI itself.
    public static let unmappedAuthorityPrefix = "urn:tacebridge:xml-authority:"

    /// Reads every record of `document` as `format`.
    public func read(_ document: XMLDocument, format: XMLFormatDescription, file: String,
                     into out: inout FHIRReadOutput) throws(SiteXMLReadError) {
        out.report.resourcesByType["XML " + format.name, default: 0] += 1
        guard let recordExpression = format.expression(.record) else { return }
        let records: [XMLNode]
        do {
            records = try document.select(recordExpression.xpath, namespaces: format.namespaces)
        } catch {
            throw SiteXMLReadError(file: file, location: "document", reason: "record XPath failed: \(error.message)")
        }
        if records.isEmpty {
            out.report.skip(SkippedItem(file: file, location: "document", resourceType: "XML " + format.name, kind: .noValue,
                                        detail: "no element matches the record XPath \"\(recordExpression.xpath)\""))
        }
        let context = RecordContext(document: document, format: format, file: file)
        for (index, record) in records.enumerated() {
            let number = index + 1
            let location = "record \(number) (line \(record.line): (\(recordExpression.xpath))[\(number)])"
            out.report.resourcesByType[format.name + " record", default: 0] += 1
            do throws(InvalidRecord) {
                switch try mapRecord(record, number: number, location: location, context: context) {
                case .success(let observation):
                    out.observations.append(observation)
                    out.report.observationsProduced += 1
                case .failure(let unused):
                    out.report.skip(SkippedItem(file: file, location: location, resourceType: format.name + " record",
                                                kind: unused.kind, detail: unused.detail))
                }
            } catch {
                let reason = "\(error.role.rawValue): \(error.reason)"
                if invalidPolicy == .fail { throw SiteXMLReadError(file: file, location: location, reason: reason) }
                out.report.skip(SkippedItem(file: file, location: location, resourceType: format.name + " record",
                                            kind: .invalidResource, detail: reason))
            }
        }
    }
}

/// What every record of one document shares.
struct RecordContext {
    let document: XMLDocument
    let format: XMLFormatDescription
    let file: String
}

/// A record that breaks its format's promise: the role at fault and why.
struct InvalidRecord: Error {
    var role: XMLFormatRole
    var reason: String
}

/// A reason a record is not used, counted in the report.
struct Unused: Error {
    var kind: SkipKind
    var detail: String
}
