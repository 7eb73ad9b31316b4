import Testing
import TACEHL7v2
import TACEXML
@testable import TACEHL7v2XML

/// Documents that are not one readable v2.xml message: a clear error with the element's XPath
/// and line, and never a word of the document's text.
@Suite("HL7 v2 XML errors carry the element and line")
struct ErrorTests {
    @Test("malformed XML is refused with its line")
    func malformed() throws {
        let error = try #require(failure(Array("<ORU_R01 xmlns=\"urn:hl7-org:v2xml\">\n<MSH>\n</ORU_R01>".utf8)))
        guard case .malformedXML(let xml) = error.reason else { Issue.record("\(error)"); return }
        #expect(xml.line == 3)
        #expect(error.description.contains("line 3"))
    }

    @Test("a root in another namespace, or none, is not HL7 v2 XML")
    func wrongNamespace() throws {
        let v3 = try #require(failure(document("", namespace: "urn:hl7-org:v3")))
        #expect(v3.reason == .wrongNamespace(found: "urn:hl7-org:v3"))
        #expect(v3.location == HL7v2XMLLocation(xpath: "/v2:ORU_R01", line: 2))
        let none = try #require(failure(Array("<ORU_R01><MSH/></ORU_R01>".utf8)))
        #expect(none.reason == .wrongNamespace(found: nil))
        #expect(none.description.contains("no namespace"))
    }

    @Test("no MSH at all, or a segment before it")
    func missingMSH() throws {
        let empty = try #require(failure(document("", header: "")))
        #expect(empty.reason == .missingMSH)
        let groupsOnly = try #require(failure(document("<ORU_R01.PATIENT_RESULT/>", header: "")))
        #expect(groupsOnly.reason == .missingMSH)
        let pidFirst = try #require(failure(document("<PID><PID.1>1</PID.1></PID>", header: "")))
        #expect(pidFirst.reason == .missingMSH)
        #expect(pidFirst.location.xpath == "/v2:ORU_R01/v2:PID[1]")
    }

    @Test("a second MSH is refused: one message per document")
    func secondMSH() throws {
        let error = try #require(failure(document(minimalMSH)))
        #expect(error.reason == .secondMSH)
        #expect(error.location.xpath == "/v2:ORU_R01/v2:MSH[2]")
    }

    @Test("batch segments are refused")
    func batch() throws {
        #expect(failure(document("<BTS><BTS.1>1</BTS.1></BTS>"))?.reason == .batchSegment)
    }

    @Test("text between segments or fields is refused")
    func strayText() throws {
        #expect(failure(document("stray"))?.reason == .unexpectedText)
        let inSegment = try #require(failure(document("<PID>stray<PID.1>1</PID.1></PID>")))
        #expect(inSegment.reason == .unexpectedText)
        #expect(inSegment.location.xpath == "/v2:ORU_R01/v2:PID[1]")
    }

    @Test("elements that are neither group, segment nor field")
    func unexpectedElements() throws {
        #expect(failure(document("<PATIENT/>"))?.reason == .unexpectedElement(name: "PATIENT"))
        #expect(failure(document("<Patient/>"))?.reason == .unexpectedElement(name: nil))
        #expect(failure(document("<PID.3/>"))?.reason == .unexpectedElement(name: "PID.3"))
        let lower = try #require(failure(document("<PID><Name/></PID>")))
        #expect(lower.reason == .unexpectedElement(name: nil))
        #expect(lower.location.xpath == "/v2:ORU_R01/v2:PID[1]/*[1]")
        #expect(lower.description.contains("(name withheld)"))
        let nested = try #require(failure(document("<PID><PID.5><XPN.1><FN.1><X.1>a</X.1></FN.1></XPN.1></PID.5></PID>")))
        #expect(nested.reason == .unexpectedElement(name: "X.1"))
        #expect(nested.location.xpath == "/v2:ORU_R01/v2:PID[1]/v2:PID.5[1]/v2:XPN.1[1]/v2:FN.1[1]/v2:X.1")
    }

    @Test("elements of another namespace inside the message")
    func foreign() throws {
        let error = try #require(failure(document("<PID><x:PID.1 xmlns:x=\"urn:other\">1</x:PID.1></PID>")))
        #expect(error.reason == .foreignElement)
        #expect(error.location.xpath == "/v2:ORU_R01/v2:PID[1]/v2:PID.1[1]")
    }

    @Test("a field named after another segment")
    func otherSegmentsField() throws {
        #expect(failure(document("<OBX><PID.3>x</PID.3></OBX>"))?.reason == .fieldOfAnotherSegment)
    }

    @Test("positions 0 and above the limit are refused; the limit itself is accepted")
    func positions() throws {
        #expect(failure(document("<PID><PID.0>x</PID.0></PID>"))?.reason == .positionOutOfRange(limit: 999))
        #expect(failure(document("<PID><PID.1000>x</PID.1000></PID>"))?.reason == .positionOutOfRange(limit: 999))
        #expect(failure(document("<PID><PID.1><CX.1000>x</CX.1000></PID.1></PID>"))?.reason == .positionOutOfRange(limit: 999))
        let read = try message(document("<PID><PID.999>x</PID.999></PID>"))
        #expect(read.message.segments[1].fieldCount == 999)
    }

    @Test("a component given twice in one repetition")
    func duplicate() throws {
        let error = try #require(failure(document("<PID><PID.3><CX.1>a</CX.1><CX.1>b</CX.1></PID.3></PID>")))
        #expect(error.reason == .duplicatePart)
        #expect(error.location.xpath.hasSuffix("/v2:CX.1[2]"))
    }

    @Test("text mixed with components")
    func mixed() throws {
        #expect(failure(document("<PID><PID.3>a<CX.1>b</CX.1></PID.3></PID>"))?.reason == .mixedContent)
        #expect(failure(document("<PID><PID.3><escape V=\"H\"/><CX.1>b</CX.1></PID.3></PID>"))?.reason == .mixedContent)
    }

    @Test("escape elements without a usable V")
    func badEscapes() throws {
        #expect(failure(document("<NTE><NTE.3><escape/></NTE.3></NTE>"))?.reason == .invalidEscape)
        #expect(failure(document("<NTE><NTE.3><escape V=\"a|b\"/></NTE.3></NTE>"))?.reason == .invalidEscape)
        #expect(failure(document("<NTE><NTE.3><escape V=\"\"/></NTE.3></NTE>"))?.reason == .invalidEscape)
    }

    @Test("a message above the size limit stops at the element that crosses it")
    func tooLarge() throws {
        let big = String(repeating: "x", count: 5_000)
        let error = try #require(failure(document("<NTE><NTE.3>\(big)</NTE.3></NTE>"), limits: HL7Limits(maxMessageBytes: 4_000)))
        #expect(error.reason == .messageTooLarge(limit: 4_000))
        #expect(error.location.xpath == "/v2:ORU_R01/v2:NTE[1]/v2:NTE.3[1]")
    }

    @Test("the ER7 parser's field limit applies and is located at the segment")
    func fieldLimit() throws {
        let big = String(repeating: "x", count: 5_000)
        let error = try #require(failure(document("<NTE><NTE.3>\(big)</NTE.3></NTE>"), limits: HL7Limits(maxFieldBytes: 1_000)))
        #expect(error.reason == .limitExceeded(name: "fieldTooLarge"))
        #expect(error.location.xpath == "/v2:ORU_R01/v2:NTE[1]")
    }

    @Test("a DOCTYPE (entity expansion, external entities) is refused before anything is read")
    func doctype() throws {
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE ORU_R01 [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<ORU_R01 xmlns=\"urn:hl7-org:v2xml\">\(minimalMSH)<NTE><NTE.3>&x;</NTE.3></NTE></ORU_R01>"
        let error = try #require(failure(Array(xxe.utf8)))
        guard case .malformedXML(let xml) = error.reason else { Issue.record("\(error)"); return }
        #expect(xml.reason == .doctypeNotAllowed)
    }

    @Test("100,000 nested groups stop at the depth limit, with a line, without a crash")
    func deepNesting() throws {
        let depth = 100_000
        let body = String(repeating: "<ORU_R01.G>", count: depth) + String(repeating: "</ORU_R01.G>", count: depth)
        let error = try #require(failure(document(body)))
        guard case .malformedXML(let xml) = error.reason, case .tooDeep = xml.reason else { Issue.record("\(error)"); return }
        #expect(xml.line == 2)
    }

    @Test("error texts never quote document text, only HL7-shaped element names")
    func noDocumentText() throws {
        let secret = "Jane Doe 1958"
        let errors = [
            failure(document("<PID>\(secret)<PID.1>1</PID.1></PID>")),
            failure(document("<PID><PID.3>\(secret)<CX.1>b</CX.1></PID.3></PID>")),
            failure(document("<PID><PID.3><CX.1>\(secret)</CX.1><CX.1>b</CX.1></PID.3></PID>")),
            failure(document("<NTE><NTE.3><escape V=\"\(secret)\"/></NTE.3></NTE>")),
            failure(document("<Jane_Doe_1958/>")),
        ]
        for error in errors {
            let text = try #require(error).description
            #expect(!text.contains("Jane"), "\(text)")
        }
    }
}
