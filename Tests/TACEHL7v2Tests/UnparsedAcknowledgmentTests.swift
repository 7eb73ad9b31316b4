import Testing
@testable import TACEHL7v2

@Suite struct UnparsedAcknowledgment {
    @Test func junkGetsAMinimalARWhoseDiagnosticIsEscaped() {
        let ack = HL7Acknowledgment.build(forUnparsed: Array("not a message".utf8), code: .reject, controlID: "C1", timestamp: "20260101000000+0000",
                                          errors: [HL7AcknowledgmentError(code: .segmentSequenceError, diagnostic: "no MSH | at all")])
        let text = String(decoding: ack, as: UTF8.self)
        #expect(text.hasPrefix("MSH|^~\\&|||||20260101000000+0000||ACK|C1|P|2.5\r"))
        #expect(text.contains("\rMSA|AR|\r"))
        #expect(text.contains("ERR|||100^Segment sequence error^HL70357|E|||no MSH \\F\\ at all\r"))
        // It parses as HL7 v2 itself.
        #expect((try? HL7Parser.parseMessage(ack)) != nil)
    }

    @Test func aReadableMSHIsAnsweredWithTheFullBuilder() {
        let bytes = Array("MSH|^~\\&|LIS|LAB|TB|ONC|20250101||ORU^R01|X9|P|2.5.1\rgarbage".utf8)
        let ack = HL7Acknowledgment.build(forUnparsed: bytes, code: .reject, controlID: "C2", timestamp: "20260101000000+0000", errors: [])
        let text = String(decoding: ack, as: UTF8.self)
        #expect(text.hasPrefix("MSH|^~\\&|TB|ONC|LIS|LAB|"))
        #expect(text.contains("MSA|AR|X9"))
        #expect(text.contains("207^"))  // an AR without a given error still says why
    }
}
