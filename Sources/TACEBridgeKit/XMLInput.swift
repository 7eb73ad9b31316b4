import TACEFHIRReader
import TACEHL7v2XML
import TACEHL7v2Reader
import TACEModel
import TACESiteXMLReader
import TACEXML

/// XML input: parsed once with TACEXML's hardened parser, then read by the reader its root
/// element calls for (`FormatDetector.classifyXML`).
extension InputReader {
    func readXML(_ bytes: [UInt8], path: String, into output: inout FHIRReadOutput) throws(TACEBridgeError) {
        let document: XMLDocument
        do {
            document = try XMLDocument.parse(bytes)
        } catch {
            try invalidXML(path, location: error.line > 0 ? "line \(error.line)" : "document", type: "XML",
                           detail: "malformed XML: " + error.description, into: &output)
            return
        }
        guard let root = document.root else { throw TACEBridgeError(.dataFormat, "\(path): XML without a root element") }
        switch FormatDetector.classifyXML(rootName: root.name, namespace: root.namespaceURI, mappings: fhir.mappings) {
        case .hl7v2XML:
            let read: HL7v2XMLMessage
            do {
                read = try HL7v2XML.read(document)
            } catch {
                try invalidXML(path, location: error.location.description, type: "HL7 v2 XML",
                               detail: "malformed HL7 v2 XML: " + error.description, into: &output)
                return
            }
            let reader = HL7v2Reader(mappings: fhir.mappings, invalidPolicy: fhir.invalidPolicy, sourceFormat: .hl7v2XML)
            do {
                try reader.read(read.interchange, file: path,
                                locate: { _, segment in read.location(ofSegment: segment).map { " (\($0))" } }, into: &output)
            } catch {
                throw TACEBridgeError(.dataFormat, error.description)
            }
        case .siteFormat(let name):
            guard let format = fhir.mappings.xmlFormats.first(where: { $0.name == name }) else { return }
            let reader = SiteXMLReader(mappings: fhir.mappings, invalidPolicy: fhir.invalidPolicy)
            do {
                try reader.read(document, format: format, file: path, into: &output)
            } catch {
                throw TACEBridgeError(.dataFormat, error.description)
            }
        case .cda:
            // A ClinicalDocument the byte sniff did not see (e.g. its namespace declared on a prefix).
            do {
                try cda.read(document, file: path, into: &output)
            } catch {
                throw TACEBridgeError(.dataFormat, error.description)
            }
        case .unknown:
            throw TACEBridgeError(.dataFormat, "\(path): XML root element \(quotedName(root.name)) in \(root.namespaceURI.map { "namespace " + quotedName($0) } ?? "no namespace") is not a format TACEBridge reads: CDA R2 / C-CDA (a ClinicalDocument in urn:hl7-org:v3, or a section, entry or clinical-statement fragment), HL7 v2 XML (namespace urn:hl7-org:v2xml) or a format described in xml-formats.csv (see docs/mappings.md)")
        }
    }

    /// Whether a format of `xml-formats.csv` names the root element these bytes start with.
    func siteFormatClaims(_ bytes: [UInt8]) -> Bool {
        guard let root = XMLRoot.sniff(bytes[...]) else { return false }
        return fhir.mappings.xmlFormat(rootName: root.localName, namespace: root.namespaceURI) != nil
    }

    /// A document that cannot be read: exit 65 with its position, or with `--on-invalid skip`
    /// one `invalid-resource` for the file.
    private func invalidXML(_ path: String, location: String, type: String, detail: String,
                            into output: inout FHIRReadOutput) throws(TACEBridgeError) {
        if fhir.invalidPolicy == .fail { throw TACEBridgeError(.dataFormat, "\(path): \(detail)") }
        output.report.skip(SkippedItem(file: path, location: location, resourceType: type, kind: .invalidResource, detail: detail))
    }

    /// A name or namespace quoted when it has the characters of XML names and URIs, else withheld.
    private func quotedName(_ text: String) -> String {
        let u = text.utf8
        let ok = !u.isEmpty && u.count <= 128 && u.allSatisfy {
            $0 &- 0x41 < 26 || $0 &- 0x61 < 26 || $0 &- 0x30 < 10 || [0x2D, 0x2E, 0x5F, 0x3A, 0x2F, 0x23].contains($0)
        }
        return ok ? "'" + text + "'" : "(name withheld)"
    }
}
