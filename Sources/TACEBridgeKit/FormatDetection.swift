import TACEJSON
import TACEMappings

/// The input formats TACEBridge recognises from content (file names are only a hint for NDJSON).
public enum DetectedFormat: String, Sendable {
    case fhirJSON = "FHIR JSON"
    case fhirNDJSON = "FHIR NDJSON"
    case hl7v2 = "HL7 v2 (ER7)"
    case cda = "CDA R2 / C-CDA"
    /// XML of another kind (HL7 v2 XML, a site-described format), told apart by its root once parsed.
    case xml = "XML (HL7 v2 XML, site-described XML)"
    /// UTF-16 text (a UTF-16 byte order mark, or `<` in 16-bit units): refused with a message that
    /// says the encoding is the problem (the readers take UTF-8).
    case utf16 = "UTF-16 text"
    case empty = "empty"
    case unknown = "unknown"
}

enum FormatDetector {
    /// Detects the format from the first bytes of a file (up to a few MiB are enough).
    static func detect(_ prefix: [UInt8], fileName: String, complete: Bool) -> DetectedFormat {
        if isUTF16(prefix) { return .utf16 }
        var i = 0
        if prefix.count >= 3, prefix[0] == 0xEF, prefix[1] == 0xBB, prefix[2] == 0xBF { i = 3 }
        while i < prefix.count, prefix[i] == 0x20 || prefix[i] == 0x0A || prefix[i] == 0x0D || prefix[i] == 0x09 { i += 1 }
        guard i < prefix.count else { return .empty }
        switch prefix[i] {
        case 0x0B: return .hl7v2  // MLLP start block
        case 0x3C: return detectXML(prefix[i...])
        case 0x7B, 0x5B:
            break
        default:
            if prefix.count >= i + 4 {
                let tag = prefix[i..<(i + 3)]
                if tag.elementsEqual("MSH".utf8) || tag.elementsEqual("FHS".utf8) || tag.elementsEqual("BHS".utf8) { return .hl7v2 }
            }
            return .unknown
        }
        let lower = fileName.lowercased()
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .fhirNDJSON }
        // NDJSON: the first line is a whole JSON value and another value starts on a later line.
        guard let newline = prefix[i...].firstIndex(of: 0x0A) else { return .fhirJSON }
        let firstLine = Array(prefix[i..<newline])
        guard (try? JSONDocument.parse(firstLine)) != nil else { return .fhirJSON }
        var j = newline
        while j < prefix.count, prefix[j] == 0x20 || prefix[j] == 0x0A || prefix[j] == 0x0D || prefix[j] == 0x09 { j += 1 }
        if j < prefix.count, prefix[j] == 0x7B { return .fhirNDJSON }
        return .fhirJSON
    }

    /// A UTF-16 byte order mark (FE FF, FF FE), or `<` followed by another character in 16-bit
    /// big- or little-endian units (`00 3C 00 xx`, `3C 00 xx 00`): text that no UTF-8 reader can take.
    static func isUTF16(_ b: [UInt8]) -> Bool {
        guard b.count >= 2 else { return false }
        if (b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE) { return true }
        guard b.count >= 4 else { return false }
        return (b[0] == 0x00 && b[1] == 0x3C && b[2] == 0x00 && b[3] != 0x00)
            || (b[0] == 0x3C && b[1] == 0x00 && b[2] != 0x00 && b[3] == 0x00)
    }

    /// Which XML format, from the root element (`XMLRoot`). Each XML format adds its check here.
    static func detectXML(_ bytes: ArraySlice<UInt8>) -> DetectedFormat {
        guard let root = XMLRoot.sniff(bytes) else { return .xml }
        if root.isCDA { return .cda }
        return .xml
    }
}

/// What an XML document is, decided by its root element once it is parsed.
enum XMLRootKind: Equatable {
    /// A root in `urn:hl7-org:v2xml`: an HL7 v2 message in the XML encoding.
    case hl7v2XML
    /// The root a format of `xml-formats.csv` names (local name and namespace); its name.
    case siteFormat(String)
    /// `ClinicalDocument` in `urn:hl7-org:v3`.
    case cda
    case unknown
}

extension FormatDetector {
    /// HL7 v2 XML by namespace first (a site format cannot claim it), then the site formats, then CDA.
    static func classifyXML(rootName: String, namespace: String?, mappings: MappingTables) -> XMLRootKind {
        if namespace == "urn:hl7-org:v2xml" { return .hl7v2XML }
        if let format = mappings.xmlFormat(rootName: rootName, namespace: namespace) { return .siteFormat(format.name) }
        if namespace == "urn:hl7-org:v3" && rootName == "ClinicalDocument" { return .cda }
        return .unknown
    }
}
