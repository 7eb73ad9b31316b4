import Foundation
import Testing
import TACEHL7v2

/// How bytes are cut into messages and segments: terminators, blank lines,
/// BOMs, several messages, batches, MLLP.
@Suite struct FramingTests {
    let msh = "MSH|^~\\&|LAB|HOSP|TACE|ONCO|20240304||ORU^R01|C1|P|2.5.1"

    func segmentIDs(_ m: HL7Message) -> [String] { m.segments.map(\.id) }

    @Test func segmentsEndAtCarriageReturn() throws {
        let m = try message(msh + "\rPID|1||42\rOBX|1|NM|x||5\r")
        #expect(segmentIDs(m) == ["MSH", "PID", "OBX"])
        #expect(m.string(at: "OBX-5") == "5")
    }

    @Test func segmentsEndAtLineFeedOrCRLF() throws {
        for terminator in ["\n", "\r\n"] {
            let m = try message([msh, "PID|1||42", "OBX|1|NM|x||5"].joined(separator: terminator) + terminator)
            #expect(segmentIDs(m) == ["MSH", "PID", "OBX"], "terminator \(Array(terminator.utf8))")
            #expect(m.string(at: "PID-3") == "42")
            #expect(m.version == "2.5.1", "MSH-12 must not keep a CR of a CRLF")
        }
    }

    @Test func mixedTerminatorsInOneFileAreAllSegmentEnds() throws {
        let m = try message(msh + "\r\nPID|1||42\nPV1|1|O\rOBX|1|NM|x||5\r\n")
        #expect(segmentIDs(m) == ["MSH", "PID", "PV1", "OBX"])
        #expect(m.string(at: "PV1-2") == "O")
    }

    @Test func blankLinesBetweenSegmentsAreSkipped() throws {
        let m = try message("\r\n\n" + msh + "\r\n\r\n\nPID|1||42\n   \n\t\nOBX|1|NM|x||5\n\n")
        #expect(segmentIDs(m) == ["MSH", "PID", "OBX"])
    }

    @Test func lastSegmentNeedsNoTerminator() throws {
        let m = try message(msh + "\rOBX|1|NM|x||5")
        #expect(m.string(at: "OBX-5") == "5")
    }

    @Test func leadingByteOrderMarkIsSkipped() throws {
        let input = [0xEF, 0xBB, 0xBF] + bytes(msh + "\rPID|1||42\r")
        let m = try HL7Parser.parseMessage(input)
        #expect(m.header.id == "MSH")
        #expect(m.string(at: "MSH-3") == "LAB")
        #expect(m.byteRange.lowerBound == 3)
    }

    @Test func byteOrderMarksOfConcatenatedFilesAreSkipped() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let input = bom + bytes(msh + "\rPID|1||1\n") + bom + bytes(msh.replacingOccurrences(of: "C1", with: "C2") + "\rPID|1||2\n")
        let i = try HL7Parser.parse(input)
        #expect(i.messages.map(\.controlID) == ["C1", "C2"])
    }

    @Test func eachMSHStartsANewMessage() throws {
        let second = msh.replacingOccurrences(of: "C1", with: "C2")
        let i = try parse(msh + "\rPID|1||1\rOBX|1|NM|x||5\r" + second + "\rPID|1||2\r")
        #expect(i.messages.count == 2)
        #expect(i.messages.map(\.index) == [1, 2])
        #expect(i.messages.map(\.controlID) == ["C1", "C2"])
        #expect(i.messages[0].segments.count == 3)
        #expect(i.messages[1].string(at: "PID-3") == "2")
        #expect(i.envelope.isEmpty)
    }

    @Test func messagesOfOneFileMayDeclareDifferentDelimiters() throws {
        let other = "MSH#*!@%#LAB#HOSP#TACE#ONCO#20240304##ORU*R01#C2#P#2.4\rPID#1##7*8*9*AUTH%1.2%ISO"
        let i = try parse(msh + "\rPID|1||1^^^A\r" + other + "\r")
        #expect(i.messages[1].delimiters == HL7Delimiters(
            field: UInt8(ascii: "#"), component: UInt8(ascii: "*"), repetition: UInt8(ascii: "!"),
            escape: UInt8(ascii: "@"), subcomponent: UInt8(ascii: "%")))
        #expect(i.messages[1].messageType == HL7MessageType(code: "ORU", triggerEvent: "R01"))
        #expect(i.messages[1].string(at: "PID-3.4.2") == "1.2")
        #expect(i.messages[0].string(at: "PID-3.4") == "A")
    }

    @Test func batchEnvelopeSurroundsItsMessages() throws {
        let input = [
            "FHS|^~\\&|SENDER|FAC|||20240304",
            "BHS|^~\\&|SENDER|FAC|||20240304",
            msh, "PID|1||1",
            msh.replacingOccurrences(of: "C1", with: "C2"), "PID|1||2",
            "BTS|2",
            "FTS|1",
        ].joined(separator: "\r")
        let i = try parse(input)
        #expect(i.messages.count == 2)
        #expect(i.envelope.map(\.id) == ["FHS", "BHS", "BTS", "FTS"])
        #expect(i.fileHeader?[3].string == "SENDER", "FHS numbers its fields like MSH")
        #expect(i.fileHeader?[1].string == "|")
        #expect(i.batchHeaders.count == 1)
        #expect(i.envelope[2][1].string == "2", "BTS-1 batch message count")
        #expect(i.messages[1].segments.map(\.id) == ["MSH", "PID"], "BTS ends the last message")
    }

    @Test func emptyBatchParsesToNoMessages() throws {
        let i = try parse("FHS|^~\\&|A|B|C|D|20200401\nBHS|^~\\&|A|B|C|D|20200401\nBTS|0|\nFTS|1|\n")
        #expect(i.messages.isEmpty)
        #expect(i.envelope.map(\.id) == ["FHS", "BHS", "BTS", "FTS"])
        #expect(i.envelope[2][1].string == "0")
    }

    @Test func segmentAfterBatchTrailerIsOutsideAnyMessage() {
        let e = parseError(msh + "\rPID|1\rBTS|1\rOBX|1|NM|x||5\r")
        #expect(e?.reason == .noMessageHeader)
        #expect(e?.line == 4)
    }

    @Test func mllpFramedMessageIsUnwrapped() throws {
        let framed = HL7MLLP.frame(bytes(msh + "\rPID|1||42\r"))
        #expect(framed.first == 0x0B && framed.suffix(2) == [0x1C, 0x0D])
        let i = try HL7Parser.parse(framed)
        #expect(i.isMLLPFramed)
        #expect(i.messages.count == 1)
        #expect(i.messages[0].segments.map(\.id) == ["MSH", "PID"])
        #expect(i.messages[0].string(at: "PID-3") == "42")
    }

    @Test func severalMLLPFramesInOneStream() throws {
        var stream: [UInt8] = []
        for n in 1...3 {
            stream += HL7MLLP.frame(bytes(msh.replacingOccurrences(of: "C1", with: "C\(n)") + "\rPID|1||\(n)\r"))
            if n == 2 { stream += bytes("\r\n") }  // stray line break between frames
        }
        let i = try HL7Parser.parse(stream)
        #expect(i.messages.map(\.controlID) == ["C1", "C2", "C3"])
        #expect(i.messages.map { $0.string(at: "PID-3") } == ["1", "2", "3"])
    }

    @Test func mllpFrameWithoutFinalCarriageReturnIsAccepted() throws {
        let i = try HL7Parser.parse([0x0B] + bytes(msh + "\rPID|1||42") + [0x1C])
        #expect(i.messages.count == 1)
    }

    @Test func unterminatedMLLPFrameIsAnError() {
        let e = parseError([0x0B] + bytes(msh + "\rPID|1||42\r"))
        #expect(e?.reason == .unterminatedMLLPFrame)
        #expect(e?.byteOffset == 0)
        let second = HL7MLLP.frame(bytes(msh + "\r")) + [0x0B] + bytes(msh)
        #expect(parseError(second)?.reason == .unterminatedMLLPFrame)
    }

    @Test func bytesBetweenMLLPFramesAreAnError() {
        let stream = HL7MLLP.frame(bytes(msh + "\r")) + bytes("junk") + HL7MLLP.frame(bytes(msh + "\r"))
        let e = parseError(stream)
        #expect(e?.reason == .invalidMLLPFraming)
        #expect(e?.byteOffset == HL7MLLP.frame(bytes(msh + "\r")).count)
    }

    @Test func messageDoesNotSpanMLLPFrames() {
        // The second frame starts with a PID: it belongs to no message.
        let stream = HL7MLLP.frame(bytes(msh + "\r")) + HL7MLLP.frame(bytes("PID|1||42\r"))
        #expect(parseError(stream)?.reason == .noMessageHeader)
    }

    @Test(arguments: ["2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.2"])
    func versionsFromMSH12(_ version: String) throws {
        let m = try message("MSH|^~\\&|A|B|C|D|20240304||ORU^R01|1|P|\(version)\rPID|1")
        #expect(m.version == version)
        let parsed = try #require(m.parsedVersion)
        #expect(parsed.description == version)
        #expect(parsed >= .v2_3 && parsed <= HL7Version(major: 2, minor: 8, patch: 2))
    }

    @Test func versionWithInternationalizationComponentsReadsFirstComponent() throws {
        let m = try message("MSH|^~\\&|A|B|C|D|20240304||ORU^R01|1|P|2.5.1^DEU&&HL70399\rPID|1")
        #expect(m.version == "2.5.1")
        #expect(m.parsedVersion == HL7Version(major: 2, minor: 5, patch: 1))
    }

    @Test func truncationCharacterIsTheFifthEncodingCharacter() throws {
        let m = try message("MSH|^~\\&#|A|B|C|D|20240304||ORU^R01|1|P|2.7\rNTE|1||cut\\P\\here")
        #expect(m.delimiters.truncation == UInt8(ascii: "#"))
        #expect(m.header[2].string == "^~\\&#")
        #expect(m.string(at: "MSH-3") == "A", "five encoding characters shift nothing")
        #expect(m.string(at: "NTE-3") == "cut#here")
    }

    @Test func parseMessageRefusesSeveralMessages() {
        do {
            _ = try HL7Parser.parseMessage(bytes(msh + "\r" + msh + "\r"))
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == .multipleMessages(count: 2))
            #expect(error.messageIndex == 2)
            #expect(error.line == 2)
        }
    }

    @Test func unsafeBufferInputIsCopiedAndParsed() throws {
        let input = bytes(msh + "\rPID|1||42\r")
        let i = try input.withUnsafeBytes { buffer throws(HL7ParseError) in try HL7Parser.parse(buffer) }
        #expect(i.messages[0].string(at: "PID-3") == "42")
    }
}
