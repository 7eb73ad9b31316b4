import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML

/// CDA content that breaks its data type where it is read (an effectiveTime that is no TS, an
/// unknown statusCode, a statement without moodCode). Carries where and why, never values.
public struct CDAReadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// An XPath-like path with the line: `/ClinicalDocument/component/structuredBody/component[3]/section/entry[2]/observation (line 812)`.
    public var location: String
    public var reason: String
    public var description: String { "\(file): \(location): \(reason)" }
}

/// Reads CDA R2 / C-CDA documents (and section, entry or clinical-statement fragments) into typed
/// observations through the mapping tables, into the same `FHIRReadOutput` and `ReadReport` the FHIR
/// and HL7 v2 readers fill.
///
/// Only statements with `moodCode="EVN"` become observations: requests, intents, promises, goals
/// and appointments (`RQO`, `INT`, `PRMS`, `PRP`, `GOL`, `APT`, `ARQ`, …) are counted as
/// `order-not-result`; `negationInd="true"` is counted as `negated`, never read as the positive
/// finding. Everything else that is not used is counted by kind with an XPath-like location.
public struct CDAReader: Sendable {
    public var mappings: MappingTables
    public var invalidPolicy: InvalidResourcePolicy

    public init(mappings: MappingTables, invalidPolicy: InvalidResourcePolicy = .fail) {
        self.mappings = mappings
        self.invalidPolicy = invalidPolicy
    }

    /// The namespace repair for fragments copied out of documents: elements without a namespace go
    /// into `urn:hl7-org:v3`, and the usual `xsi:` and `sdtc:` prefixes are bound when undeclared.
    public static let fragmentRepair = XMLNamespaceRepair(
        defaultElementNamespace: XMLNamespaces.hl7,
        undeclaredPrefixes: ["xsi": XMLNamespaces.xsi, "sdtc": XMLNamespaces.sdtc])

    /// Parses CDA bytes with the hardened parser. A document whose root is in no namespace (a
    /// fragment such as the C-CDA examples' bare `<section>`) is parsed again with `fragmentRepair`,
    /// so one reader serves documents and fragments.
    public static func parse(_ bytes: [UInt8], limits: XMLLimits = .default) throws(XMLParseError) -> XMLDocument {
        let document = try XMLDocument.parse(bytes, limits: limits)
        if let root = document.root, root.isElement(inNamespace: nil) {
            return try XMLDocument.parse(bytes, limits: limits, namespaceRepair: fragmentRepair)
        }
        return document
    }

    /// Reads one parsed document or fragment.
    public func read(_ document: XMLDocument, file: String, into output: inout FHIRReadOutput) throws(CDAReadError) {
        guard let root = document.root else {
            throw CDAReadError(file: file, location: "/", reason: "no root element")
        }
        var walker = DocumentWalker(reader: self, file: file)
        try walker.read(root: root, into: &output)
    }
}
