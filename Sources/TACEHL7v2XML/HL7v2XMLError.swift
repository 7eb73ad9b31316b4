import TACEHL7v2
import TACEXML

/// Where an element is in an HL7 v2 XML document: an XPath with the prefix `v2` bound to
/// `urn:hl7-org:v2xml` (`/v2:ORU_R01/v2:ORU_R01.PATIENT_RESULT[1]/v2:PID[1]`) and its line.
public struct HL7v2XMLLocation: Sendable, Equatable, CustomStringConvertible {
    /// Every step but the root carries its position among same-named siblings. Element names that
    /// do not look like HL7 v2 names are written `*`, so a path never quotes document text.
    public var xpath: String
    /// 1-based line of the element's start tag; 0 when unknown.
    public var line: Int

    public init(xpath: String, line: Int) {
        self.xpath = xpath
        self.line = line
    }

    /// `line 12: /v2:ORU_R01/v2:PID[1]`.
    public var description: String { line > 0 ? "line \(line): \(xpath)" : xpath }
}

/// An HL7 v2 XML document that cannot be read as one message, with the element where that was
/// decided. Like the other parse errors of the project, it never quotes document text: element
/// names are quoted only when they look like HL7 v2 names (upper-case letters, digits, `_`, `.`).
public struct HL7v2XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The bytes are not well-formed XML, or break a limit of the hardened parser.
        case malformedXML(XMLParseError)
        /// The root element is not in `urn:hl7-org:v2xml` (nil: in no namespace).
        case wrongNamespace(found: String?)
        /// No MSH segment, or a segment before it.
        case missingMSH
        /// A second MSH inside the one message a v2.xml document holds.
        case secondMSH
        /// FHS, BHS, BTS or FTS: batch envelopes are not part of a v2.xml message.
        case batchSegment
        /// Non-blank text where only elements belong (between segments or fields).
        case unexpectedText
        /// An element that is neither a group, a segment nor (inside a segment) a field such as
        /// `PID.3`, nor a component or subcomponent such as `CX.1`; `name` is the element name when
        /// it is quotable.
        case unexpectedElement(name: String?)
        /// An element in another namespace (or none) inside the message.
        case foreignElement
        /// A field element whose segment part is not its segment's id (`PID.3` inside `OBX`).
        case fieldOfAnotherSegment
        /// Field, component or subcomponent number 0 or above `HL7v2XML.maxPosition`.
        case positionOutOfRange(limit: Int)
        /// The same component or subcomponent twice in one field repetition or component.
        case duplicatePart
        /// Text next to component (or subcomponent) elements in the same element.
        case mixedContent
        /// An `escape` element without a usable `V` attribute.
        case invalidEscape
        /// The message, once written in ER7, would exceed `HL7Limits.maxMessageBytes`.
        case messageTooLarge(limit: Int)
        /// The ER7 parser refused the message built from the document (a field above
        /// `HL7Limits.maxFieldBytes`, too many segments); `name` is `HL7ParseError.Reason.name`.
        case limitExceeded(name: String)
    }

    public var reason: Reason
    /// Where it was decided; the root element for problems of the whole document.
    public var location: HL7v2XMLLocation

    public init(reason: Reason, location: HL7v2XMLLocation) {
        self.reason = reason
        self.location = location
    }

    public var description: String {
        if case .malformedXML(let error) = reason { return error.description }
        return "HL7 v2 XML \(location): \(message)"
    }

    private var message: String {
        switch reason {
        case .malformedXML(let error): return error.message
        case .wrongNamespace(let found):
            let ns = found.map { HL7v2XMLNames.quotableNamespace($0) ? "namespace '\($0)'" : "another namespace" } ?? "no namespace"
            return "the root element is in \(ns), not in \(HL7v2XML.namespace)"
        case .missingMSH: return "a message starts with an MSH segment"
        case .secondMSH: return "a second MSH: a v2.xml document holds one message"
        case .batchSegment: return "batch segments (FHS, BHS, BTS, FTS) are not part of a v2.xml message"
        case .unexpectedText: return "text where only elements belong"
        case .unexpectedElement(let name):
            return "unexpected element \(name.map { "'\($0)'" } ?? "(name withheld)"): expected a group (MESSAGE.GROUP), a segment (three letters or digits) or, inside a segment, a field (SEG.n)"
        case .foreignElement: return "element outside the namespace \(HL7v2XML.namespace)"
        case .fieldOfAnotherSegment: return "field element named after another segment"
        case .positionOutOfRange(let limit): return "field, component or subcomponent number must be 1 to \(limit)"
        case .duplicatePart: return "the same component or subcomponent twice"
        case .mixedContent: return "text mixed with component or subcomponent elements"
        case .invalidEscape: return "escape element without a usable V attribute (printable ASCII, no delimiters)"
        case .messageTooLarge(let limit): return "message larger than the limit of \(limit) bytes"
        case .limitExceeded(let name): return "message refused by the HL7 v2 limits (\(name))"
        }
    }
}

/// Which names may be quoted in errors and paths. Element names are markup, not data, but a
/// document could still carry anything there, so only the shape HL7 v2 XML names have is quoted.
enum HL7v2XMLNames {
    /// Upper-case letters, digits, `_` and `.`, starting with a letter, at most 64 characters:
    /// `ORU_R01.PATIENT_RESULT`, `PID`, `CX.4`.
    static func quotable(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard let first = utf8.first, utf8.count <= 64, first &- 0x41 < 26 else { return false }
        return utf8.allSatisfy { $0 &- 0x41 < 26 || $0 &- 0x30 < 10 || $0 == 0x5F || $0 == 0x2E }
    }

    /// A namespace URI is quoted when it has the characters of a URN or URL and no blanks.
    static func quotableNamespace(_ uri: String) -> Bool {
        let utf8 = uri.utf8
        guard utf8.count <= 128, utf8.contains(0x3A) else { return false }
        return utf8.allSatisfy { isLetter($0) || $0 &- 0x30 < 10 || [0x2D, 0x2E, 0x5F, 0x3A, 0x2F, 0x23].contains($0) }
    }

    static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }

    /// The name as a path step: `v2:NAME`, or `*` when it is not quotable.
    static func step(_ name: String) -> String { quotable(name) ? "v2:" + name : "*" }
}
