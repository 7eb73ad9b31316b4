import Testing
import TACEFHIRReader
import TACEHL7v2
import TACEHL7v2Reader
import TACEMappings
import TACEModel
@testable import TACEHL7v2XML

/// samples/hl7v2/ptace-labs.xml is samples/hl7v2/ptace-labs.hl7 in the XML encoding: both must
/// give the same message and the same observations; only the provenance says which file was read.
@Suite("The same message in ER7 and in XML")
struct SampleEquivalenceTests {
    let er7: HL7Message
    let xml: HL7v2XMLMessage

    init() throws {
        er7 = try HL7Parser.parseMessage(Files.bytes("samples/hl7v2/ptace-labs.hl7"))
        xml = try HL7v2XML.parse(Files.bytes("samples/hl7v2/ptace-labs.xml"))
    }

    @Test("segments come out of the groups in document order, byte for byte as the ER7 sample")
    func sameSegments() {
        #expect(xml.message.segments.map(\.id) == ["MSH", "PID", "OBR", "OBX", "OBX", "OBX", "NTE", "OBR", "OBX"])
        #expect(xml.message.segments.count == er7.segments.count)
        for (a, b) in zip(xml.message.segments, er7.segments) {
            #expect(String(decoding: a.rawBytes, as: UTF8.self) == String(decoding: b.rawBytes, as: UTF8.self))
        }
    }

    @Test("header values read through the message model")
    func header() {
        #expect(xml.message.messageType == HL7MessageType(code: "ORU", triggerEvent: "R01", structure: "ORU_R01"))
        #expect(xml.message.controlID == "PTACE-LABS-0001")
        #expect(xml.message.version == "2.5.1")
        #expect(xml.message.sendingApplication.universalID == "2.999.1")
        #expect(xml.message.string(at: "PID-3.4.1") == "DEMO-HOSP")
        #expect(xml.message.string(at: "OBX[4]-7") == "<8.1")
    }

    @Test("identical observations; provenance format hl7v2-xml with the element and line")
    func sameObservations() throws {
        let reader = HL7v2Reader(mappings: try MappingTables.defaults())
        var fromER7 = FHIRReadOutput()
        try reader.read(er7, file: "labs", into: &fromER7)
        let fromXML = try observations(xml, file: "labs")

        #expect(fromER7.observations.count == 4)
        #expect(fromXML.observations.count == fromER7.observations.count)
        for (x, e) in zip(fromXML.observations, fromER7.observations) {
            #expect(x.source.format == .hl7v2XML)
            #expect(e.source.format == .hl7v2ER7)
            #expect(x.source.recordKey == e.source.recordKey)
            #expect(x.source.location.hasPrefix(e.source.location + " (line "))
            var same = x
            same.source = e.source
            #expect(same == e)
        }
        let albumin = try #require(fromXML.observations.first)
        #expect(albumin.source.location
            == "message 1 OBX[1] (line 42: /v2:ORU_R01/v2:ORU_R01.PATIENT_RESULT[1]/v2:ORU_R01.ORDER_OBSERVATION[1]/v2:ORU_R01.OBSERVATION[1]/v2:OBX[1])")
        #expect(fromXML.observations[2].notes == ["Fictitious sample data for TACEBridge; not a real patient."])
        #expect(fromXML.report.resourcesByType == fromER7.report.resourcesByType)
        #expect(fromXML.report.skippedTotal == fromER7.report.skippedTotal)
    }

    @Test("each segment knows its element and line")
    func segmentLocations() {
        #expect(xml.location(ofSegment: 0) == HL7v2XMLLocation(xpath: "/v2:ORU_R01/v2:MSH[1]", line: 5))
        #expect(xml.location(ofSegment: 1)?.xpath == "/v2:ORU_R01/v2:ORU_R01.PATIENT_RESULT[1]/v2:ORU_R01.PATIENT[1]/v2:PID[1]")
        #expect(xml.location(ofSegment: 8)?.xpath
            == "/v2:ORU_R01/v2:ORU_R01.PATIENT_RESULT[1]/v2:ORU_R01.ORDER_OBSERVATION[2]/v2:ORU_R01.OBSERVATION[1]/v2:OBX[1]")
        #expect(xml.location(ofSegment: 9) == nil)
    }
}
