import Testing
import TACEMappings
@testable import TACEBridgeKit

@Suite("Input formats are recognised from content")
struct FormatDetectionTests {
    func detect(_ text: String, name: String = "x") -> DetectedFormat {
        FormatDetector.detect(Array(text.utf8), fileName: name, complete: true)
    }

    @Test func prettyJSONIsOneDocument() { #expect(detect("{\n  \"resourceType\": \"Patient\"\n}\n") == .fhirJSON) }
    @Test func oneLinePerResourceIsNDJSON() { #expect(detect("{\"a\":1}\n{\"b\":2}\n") == .fhirNDJSON) }
    @Test func singleLineJSONIsOneDocument() { #expect(detect("{\"a\":1}\n") == .fhirJSON) }
    @Test func ndjsonExtensionDecides() { #expect(detect("{\"a\":1}", name: "x.ndjson") == .fhirNDJSON) }
    @Test func byteOrderMarkIsSkipped() { #expect(detect("\u{FEFF}{\"a\":1}") == .fhirJSON) }
    @Test func hl7v2IsRecognised() {
        #expect(detect("MSH|^~\\&|A") == .hl7v2)
        #expect(detect("\u{0B}MSH|^~\\&|A") == .hl7v2)
        #expect(detect("FHS|^~\\&|A") == .hl7v2)
    }
    @Test func cdaDocumentIsRecognisedByItsRootOrNamespace() {
        #expect(detect("<?xml version=\"1.0\"?><ClinicalDocument/>") == .cda)
        #expect(detect("<!-- header --><?xml-stylesheet href='x'?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\">") == .cda)
        #expect(detect("<v3:section xmlns:v3=\"urn:hl7-org:v3\"><v3:code/></v3:section>") == .cda)
    }
    @Test func cdaFragmentWithoutNamespaceIsRecognisedByItsContent() {
        #expect(detect("<section>\n<templateId root=\"2.16.840.1.113883.10.20.22.2.3.1\"/></section>") == .cda)
        #expect(detect("<observation classCode=\"OBS\" moodCode=\"EVN\"/>") == .cda)
        // The same element names without any CDA attribute are some other XML.
        #expect(detect("<component><name>x</name></component>") == .xml)
    }
    @Test func rootIsFoundPastCommentsAndADoctypeWithAnInternalSubset() {
        let text = "<?xml version=\"1.0\"?>\n<!-- a > in a comment -->\n<!DOCTYPE x [<!ENTITY a \"b>c\">]>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>"
        #expect(detect(text) == .cda)
        let root = XMLRoot.sniff(Array("<v3:section xmlns:v3='urn:hl7-org:v3' xmlns='urn:x'>".utf8)[...])
        #expect(root?.localName == "section" && root?.namespaceURI == "urn:hl7-org:v3")
    }
    @Test func otherXMLIsXML() {
        #expect(detect("<?xml version=\"1.0\"?><ORU_R01 xmlns=\"urn:hl7-org:v2xml\"/>") == .xml)
        #expect(detect("<participant typeCode=\"REF\"/>") == .xml)
        #expect(detect("<") == .xml)
    }
    /// UTF-16 is told as such (not "unsupported format"), with or without a byte order mark.
    @Test func utf16IsRecognisedAsUTF16() {
        func utf16(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
            var out: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
            for unit in text.utf16 { out += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            return out
        }
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>"
        for bigEndian in [true, false] {
            for bom in [true, false] {
                #expect(FormatDetector.detect(utf16(xml, bigEndian: bigEndian, bom: bom), fileName: "x", complete: true) == .utf16)
            }
        }
        #expect(FormatDetector.detect(utf16("<ClinicalDocument/>", bigEndian: false, bom: false), fileName: "x", complete: true) == .utf16)
        // UTF-8 with its byte order mark is still read.
        #expect(detect("\u{FEFF}<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>") == .cda)
    }
    @Test func blankIsEmpty() { #expect(detect(" \n\t") == .empty) }
    @Test func otherTextIsUnknown() { #expect(detect("hello") == .unknown) }
}

@Suite("XML documents are told apart by their root element")
struct XMLRootClassificationTests {
    let mappings: MappingTables
    init() throws { mappings = try MappingTables.defaults() }

    func kind(_ name: String, _ namespace: String?) -> XMLRootKind {
        FormatDetector.classifyXML(rootName: name, namespace: namespace, mappings: mappings)
    }

    @Test func anyRootInTheV2XMLNamespaceIsHL7v2XML() {
        #expect(kind("ORU_R01", "urn:hl7-org:v2xml") == .hl7v2XML)
        #expect(kind("ACK", "urn:hl7-org:v2xml") == .hl7v2XML)
    }
    @Test func aFormatOfXMLFormatsCSVIsRecognisedByRootNameAndNamespace() {
        #expect(kind("LabReport", "urn:example:kestrel:labreport:3") == .siteFormat("kestrel-lab-report"))
        #expect(kind("LabReport", nil) == .unknown)
        #expect(kind("LabReport", "urn:example:other") == .unknown)
    }
    @Test func cdaIsClinicalDocumentInV3() {
        #expect(kind("ClinicalDocument", "urn:hl7-org:v3") == .cda)
        #expect(kind("ORU_R01", "urn:hl7-org:v3") == .unknown)
        #expect(kind("ORU_R01", nil) == .unknown)
    }
}
