import Testing
import TACEHL7v2

/// ACK building: header swap, MSA, ERR in the v2.5+ and v2.3/2.4 layouts.
@Suite struct AcknowledgmentTests {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func acceptAcknowledgmentSwapsSenderAndReceiver() throws {
        let original = try message(sampleORU)
        let ack = HL7Acknowledgment.build(for: original, code: .accept, controlID: "ACK0001", timestamp: "20240304081600+0100")
        #expect(text(ack) == """
            MSH|^~\\&|TACE|ONCO|LAB^1.2.3^ISO|HOSP|20240304081600+0100||ACK^R01^ACK|ACK0001|P|2.5.1||||||UNICODE UTF-8\r\
            MSA|AA|MSG00042\r
            """)
    }

    @Test func acknowledgmentParsesBackAsAnACK() throws {
        let original = try message(sampleORU)
        let ack = try HL7Parser.parseMessage(HL7Acknowledgment.build(for: original, code: .accept, controlID: "A1", timestamp: "20240304"))
        #expect(ack.messageType == HL7MessageType(code: "ACK", triggerEvent: "R01", structure: "ACK"))
        #expect(ack.controlID == "A1")
        #expect(ack.version == original.version)
        #expect(ack.processingID == original.processingID)
        #expect(ack.sendingApplication == original.receivingApplication)
        #expect(ack.sendingFacility == original.receivingFacility)
        #expect(ack.receivingApplication == original.sendingApplication)
        #expect(ack.receivingFacility == original.sendingFacility)
        #expect(ack.string(at: "MSA-1") == "AA")
        #expect(ack.string(at: "MSA-2") == original.controlID)
        #expect(ack.segment("ERR") == nil)
        #expect(ack.header[15].isEmpty && ack.header[16].isEmpty, "an ACK asks for no acknowledgment")
    }

    @Test func errorAcknowledgmentInVersion25HasERR2To4() throws {
        let original = try message(sampleORU)
        let errors = [
            HL7AcknowledgmentError(
                code: .dataTypeError, location: HL7ErrorLocation(segmentID: "OBX", sequence: 1, field: 5),
                diagnostic: "OBX-5 is not a number"),
            HL7AcknowledgmentError(
                code: .tableValueNotFound, severity: .warning,
                location: HL7ErrorLocation(segmentID: "OBX", sequence: 2, field: 6, fieldRepetition: 1, component: 3)),
        ]
        let ack = HL7Acknowledgment.build(for: original, code: .error, controlID: "A2", timestamp: "20240304", errors: errors)
        let lines = text(ack).split(separator: "\r").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[1] == "MSA|AE|MSG00042")
        #expect(lines[2] == "ERR||OBX^1^5|102^Data type error^HL70357|E|||OBX-5 is not a number")
        #expect(lines[3] == "ERR||OBX^2^6^1^3|103^Table value not found^HL70357|W")
        #expect(ack.last == 0x0D)
    }

    @Test func rejectInVersion25ForUnsupportedMessageType() throws {
        let adt = try message("MSH|^~\\&|ADT|HOSP|TACE|ONCO|20240304||ADT^A08^ADT_A01|X9|P|2.6\rPID|1")
        let error = HL7AcknowledgmentError(code: .unsupportedMessageType, location: HL7ErrorLocation(segmentID: "MSH", field: 9))
        let ack = try HL7Parser.parseMessage(HL7Acknowledgment.build(
            for: adt, code: .reject, controlID: "A3", timestamp: "20240304", errors: [error]))
        #expect(ack.messageType.triggerEvent == "A08")
        #expect(ack.string(at: "MSA-1") == "AR")
        #expect(ack.string(at: "MSA-2") == "X9")
        #expect(ack.string(at: "ERR-2") == "MSH^1^9")
        #expect(ack.string(at: "ERR-3.1") == "200")
        #expect(ack.string(at: "ERR-3.3") == "HL70357")
        #expect(ack.string(at: "ERR-4") == "E")
        #expect(ack.string(at: "ERR-1") == nil, "ERR-1 (ELD) is withdrawn from v2.5 on")
    }

    @Test(arguments: ["2.3", "2.3.1", "2.4"])
    func errorsBeforeVersion25UseERR1(_ version: String) throws {
        let original = try message("MSH|^~\\&|LAB|HOSP|TACE|ONCO|20240304||ORU^R01|C7|P|\(version)\rPID|1\rOBX|1|NM|x||abc")
        let errors = [
            HL7AcknowledgmentError(code: .requiredFieldMissing, location: HL7ErrorLocation(segmentID: "PID", sequence: 1, field: 3)),
            HL7AcknowledgmentError(code: .dataTypeError, location: HL7ErrorLocation(segmentID: "OBX", sequence: 1, field: 5),
                                   diagnostic: "not numeric"),
        ]
        let bytes = HL7Acknowledgment.build(for: original, code: .error, controlID: "A4", timestamp: "20240304", errors: errors)
        let lines = text(bytes).split(separator: "\r").map(String.init)
        #expect(lines[1] == "MSA|AE|C7|not numeric")
        #expect(lines[2] == "ERR|PID^1^3^101&Required field missing&HL70357~OBX^1^5^102&Data type error&HL70357")
        #expect(lines.count == 3, "one ERR whose ERR-1 repeats")
        let ack = try HL7Parser.parseMessage(bytes)
        let err1 = try #require(ack.segment("ERR"))[1]
        #expect(err1.repetitions.count == 2)
        #expect(err1.repetition(2).component(4).subcomponent(1).string == "102")
        #expect(ack.messageType == HL7MessageType(code: "ACK", triggerEvent: "R01", structure: "ACK"))
    }

    @Test func errorWithoutReasonGetsApplicationInternalError() throws {
        let original = try message(sampleORU)
        let ack = try HL7Parser.parseMessage(HL7Acknowledgment.build(for: original, code: .error, controlID: "A5", timestamp: "1"))
        #expect(ack.string(at: "ERR-3.1") == "207")
        #expect(ack.string(at: "ERR-3.2") == "Application internal error")
        #expect(ack.string(at: "ERR-2") == nil)
    }

    @Test func acknowledgmentKeepsTheMessageDelimitersAndEscapes() throws {
        let original = try message("MSH#*!@%#LAB*1.2#HO@F@SP#TACE#ONCO#20240304##ORU*R01#C@S@8#P#2.5.1")
        let bytes = HL7Acknowledgment.build(
            for: original, code: .error, controlID: "A#6", timestamp: "20240304",
            errors: [HL7AcknowledgmentError(code: .applicationInternalError, diagnostic: "line 1\nline 2 # * @")])
        #expect(text(bytes).hasPrefix("MSH#*!@%#TACE#ONCO#LAB*1.2#HO@F@SP#20240304##ACK*R01*ACK#A@F@6#P#2.5.1\r"))
        let ack = try HL7Parser.parseMessage(bytes)
        #expect(ack.delimiters == original.delimiters)
        #expect(ack.string(at: "MSA-2") == "C*8", "MSA-2 is the original MSH-10, escapes kept")
        #expect(ack.controlID == "A#6")
        #expect(ack.receivingFacility.namespaceID == "HO#SP")
        #expect(ack.string(at: "ERR-7") == "line 1\nline 2 # * @")
    }

    @Test func mllpFramedAcknowledgment() throws {
        let original = try message(sampleORU)
        let plain = HL7Acknowledgment.build(for: original, code: .accept, controlID: "A7", timestamp: "1")
        let framed = HL7Acknowledgment.build(for: original, code: .accept, controlID: "A7", timestamp: "1", mllp: true)
        #expect(framed == [0x0B] + plain + [0x1C, 0x0D])
        let parsed = try HL7Parser.parse(framed)
        #expect(parsed.isMLLPFramed)
        #expect(parsed.messages[0].string(at: "MSA-1") == "AA")
    }

    @Test func acknowledgmentFromHeaderOfUnparseableMessage() throws {
        let broken = bytes("MSH|^~\\&|LAB|HOSP|TACE|ONCO|20240304||ORU^R01|C9|P|2.4\rPID|1||4") + [0x00] + bytes("2\r")
        let parseFailure = try #require(parseError(broken))
        let header = try HL7Parser.parseHeader(broken)
        let error = HL7AcknowledgmentError(
            code: .dataTypeError,
            location: HL7ErrorLocation(segmentID: parseFailure.segmentID ?? "", sequence: 1, field: parseFailure.field))
        let ack = try HL7Parser.parseMessage(HL7Acknowledgment.build(
            forHeader: header, code: .reject, controlID: "A8", timestamp: "1", errors: [error]))
        #expect(ack.string(at: "MSA-1") == "AR")
        #expect(ack.string(at: "MSA-2") == "C9")
        #expect(ack.string(at: "ERR-1") == "PID^1^3^102&Data type error&HL70357")
    }

    @Test func missingVersionUsesTheCurrentLayout() throws {
        let original = try message("MSH|^~\\&|A|B|C|D|1||ORU^R01|C1|P|")
        let ack = try HL7Parser.parseMessage(HL7Acknowledgment.build(
            for: original, code: .error, controlID: "A9", timestamp: "1",
            errors: [HL7AcknowledgmentError(code: .unsupportedVersionID, location: HL7ErrorLocation(segmentID: "MSH", field: 12))]))
        #expect(ack.string(at: "ERR-2") == "MSH^1^12")
        #expect(ack.string(at: "ERR-3.1") == "203")
    }

    @Test func errorCodeTable0357() {
        let codes: [(HL7ErrorCode, Int, String)] = [
            (.messageAccepted, 0, "Message accepted"), (.segmentSequenceError, 100, "Segment sequence error"),
            (.requiredFieldMissing, 101, "Required field missing"), (.dataTypeError, 102, "Data type error"),
            (.tableValueNotFound, 103, "Table value not found"), (.valueTooLong, 104, "Value too long"),
            (.unsupportedMessageType, 200, "Unsupported message type"), (.unsupportedEventCode, 201, "Unsupported event code"),
            (.unsupportedProcessingID, 202, "Unsupported processing id"), (.unsupportedVersionID, 203, "Unsupported version id"),
            (.unknownKeyIdentifier, 204, "Unknown key identifier"), (.duplicateKeyIdentifier, 205, "Duplicate key identifier"),
            (.applicationRecordLocked, 206, "Application record locked"),
            (.applicationInternalError, 207, "Application internal error"),
        ]
        for (code, raw, text) in codes {
            #expect(code.rawValue == raw)
            #expect(code.text == text)
        }
        #expect(HL7ErrorCode(rawValue: 999).text == nil)
    }
}
