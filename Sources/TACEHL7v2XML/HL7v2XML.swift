import TACEHL7v2
import TACEXML

/// Reads HL7 v2 messages in the XML encoding (HL7 Version 2: XML Encoding Syntax, "v2.xml")
/// into the same `HL7Message` model the ER7 parser produces, so that everything downstream
/// (TACEHL7v2Reader, acknowledgements) handles both encodings alike.
///
/// The encoding, as read here:
/// - the root element is the message structure (`ORU_R01`, `ADT_A01`, `ACK`) in the namespace
///   `urn:hl7-org:v2xml`; one document holds one message;
/// - groups (`ORU_R01.PATIENT_RESULT`, any name with a dot that is not a field) nest segments and
///   other groups; they are flattened, segments keep document order;
/// - a segment is an element with a three-character id (`MSH`, `PID`, `ZXY`); its fields are
///   `SEG.n` elements (n is the field number), and a field that repeats is written as repeated
///   elements;
/// - inside a field, components are elements named after the field's data type with their
///   position (`CWE.1`, `XPN.2`), and inside a component its subcomponents likewise (`HD.1`);
///   only the number after the last dot counts, so no data-type dictionary is needed;
/// - a field or component with text and no child elements is its first component (or
///   subcomponent) — `<OBX.5>3.9</OBX.5>` is the value `3.9`;
/// - `<escape V="..."/>` inside text stands for the ER7 escape sequence `\...\` (`.br`, `H`, `N`,
///   `Xhh`); delimiter characters in text need no escaping in XML and are taken literally;
/// - `MSH.1` and `MSH.2` (the ER7 delimiters) are not needed in XML and are not read: the message
///   model is built with `|^~\&`, and text that contains those characters is escaped so that it
///   decodes back to the same text.
///
/// Refused with an `HL7v2XMLError` naming the element (XPath and line): a root outside the
/// namespace, no MSH or a segment before it, a second MSH, batch segments, text between
/// segments, unexpected or foreign elements, positions outside 1…`maxPosition`, a component
/// given twice, text mixed with components, a bad escape element, and a message larger than
/// `HL7Limits.maxMessageBytes`. Comments and processing instructions are ignored. Parsing itself
/// goes through TACEXML (no DTD, no entities, no network, depth and size limits).
public enum HL7v2XML {
    /// The namespace of v2.xml elements.
    public static let namespace = "urn:hl7-org:v2xml"
    /// Prefix → namespace for the XPaths in locations.
    public static let namespaces = ["v2": namespace]
    /// Highest field, component or subcomponent number accepted (HL7 v2 segments have fewer
    /// than 100 fields; the cap keeps a hostile `<PID.99999999/>` from writing padding).
    public static let maxPosition = 999

    /// Whether `root` is an HL7 v2 XML message root (its element is in the v2.xml namespace).
    public static func isMessageRoot(_ root: XMLNode) -> Bool {
        root.kind == .element && root.namespaceURI == namespace
    }

    /// Parses `bytes` with TACEXML's hardened parser and reads the message.
    public static func parse(_ bytes: [UInt8], xmlLimits: XMLLimits = .default, limits: HL7Limits = .default)
        throws(HL7v2XMLError) -> HL7v2XMLMessage {
        let document: XMLDocument
        do {
            document = try XMLDocument.parse(bytes, limits: xmlLimits)
        } catch {
            throw HL7v2XMLError(reason: .malformedXML(error), location: HL7v2XMLLocation(xpath: "/", line: error.line))
        }
        return try read(document, limits: limits)
    }

    /// Reads the message of a parsed document.
    public static func read(_ document: XMLDocument, limits: HL7Limits = .default) throws(HL7v2XMLError) -> HL7v2XMLMessage {
        guard let root = document.root else {
            throw HL7v2XMLError(reason: .missingMSH, location: HL7v2XMLLocation(xpath: "/", line: 0))
        }
        let rootLocation = HL7v2XMLLocation(xpath: "/" + HL7v2XMLNames.step(root.name), line: root.line)
        guard isMessageRoot(root) else {
            throw HL7v2XMLError(reason: .wrongNamespace(found: root.namespaceURI), location: rootLocation)
        }
        var builder = ER7Builder(maxBytes: limits.maxMessageBytes)
        try builder.container(root, path: rootLocation.xpath)
        guard !builder.segments.isEmpty else { throw HL7v2XMLError(reason: .missingMSH, location: rootLocation) }

        let interchange: HL7Interchange
        do {
            interchange = try HL7Parser.parse(builder.bytes, limits: limits)
        } catch {
            // The bytes are ours and well formed; only limits can refuse them.
            let index = (error.segmentIndex ?? 1) - 1
            let location = index >= 0 && index < builder.segments.count ? builder.segments[index] : rootLocation
            throw HL7v2XMLError(reason: .limitExceeded(name: error.reason.name), location: location)
        }
        guard interchange.messages.count == 1, interchange.messages[0].segments.count == builder.segments.count else {
            throw HL7v2XMLError(reason: .limitExceeded(name: "segmentCount"), location: rootLocation)
        }
        return HL7v2XMLMessage(interchange: interchange, segmentLocations: builder.segments)
    }
}

/// One message read from HL7 v2 XML, with where each segment was in the document.
public struct HL7v2XMLMessage: Sendable {
    /// One message, no batch envelope; `isMLLPFramed` is false.
    public let interchange: HL7Interchange
    /// The element of each segment of the message, in order (index 0 is MSH).
    public let segmentLocations: [HL7v2XMLLocation]

    public var message: HL7Message { interchange.messages[0] }

    /// The element of segment `index` (0-based, as in `HL7Message.segments`), nil outside the message.
    public func location(ofSegment index: Int) -> HL7v2XMLLocation? {
        index >= 0 && index < segmentLocations.count ? segmentLocations[index] : nil
    }
}
