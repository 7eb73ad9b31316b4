import Testing
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
    @Test func xmlIsRecognised() { #expect(detect("<?xml version=\"1.0\"?><ClinicalDocument/>") == .xml) }
    @Test func blankIsEmpty() { #expect(detect(" \n\t") == .empty) }
    @Test func otherTextIsUnknown() { #expect(detect("hello") == .unknown) }
}
