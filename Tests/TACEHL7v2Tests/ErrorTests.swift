import Testing
import TACEHL7v2

/// Bad input gives an `HL7ParseError` with its position and no patient data.
@Suite struct ErrorTests {
    let msh = "MSH|^~\\&|LAB|HOSP|TACE|ONCO|20240304||ORU^R01|C1|P|2.5.1"

    @Test func emptyInputAndOnlyBlankLines() {
        #expect(parseError("")?.reason == .emptyInput)
        #expect(parseError("\r\n\n  \r")?.reason == .emptyInput)
        #expect(parseError([0xEF, 0xBB, 0xBF])?.reason == .emptyInput)
    }

    @Test func inputWithoutMSHIsRefused() {
        let e = parseError("PID|1||42\rOBX|1|NM|x||5\r")
        #expect(e?.reason == .noMessageHeader)
        #expect(e?.byteOffset == 0)
        #expect(e?.line == 1)
        #expect(e?.messageIndex == nil)
        #expect(parseError("Dear colleague, please find the results attached.")?.reason == .noMessageHeader)
        #expect(parseError("{\"resourceType\":\"Observation\"}")?.reason == .noMessageHeader)
    }

    @Test func duplicateEncodingCharactersAreRefused() throws {
        let e = try #require(parseError("MSH|&&&&|A|B|C|D|1||ORU^R01|1|P|2.5.1\rPID|1\r"))
        #expect(e.reason == .invalidDelimiters(detail: "MSH-2 '&&&&' repeats an encoding character"))
        #expect(e.messageIndex == 1)
        #expect(e.segmentIndex == 1)
        #expect(e.segmentID == "MSH")
        #expect(e.field == 2)
        #expect(e.byteOffset == 4)
        #expect(e.description.contains("MSH-2 '&&&&'"))
    }

    @Test(arguments: [
        ("MSH", "MSH-1 (field separator) is missing"),
        ("MSH\r", "MSH-1 (field separator) is missing"),
        ("MSHA^~\\&A", "MSH-1 (field separator) is a letter, digit, space or control byte"),
        ("MSH ^~\\& ", "MSH-1 (field separator) is a letter, digit, space or control byte"),
        ("MSH|", "MSH-2 (encoding characters) is missing"),
        ("MSH||A|B", "MSH-2 (encoding characters) is missing"),
        ("MSH|^~|A", "MSH-2 '^~' has 2 characters; expected component, repetition, escape and subcomponent"),
        ("MSH|^~\\&#!|A", "MSH-2 has more than 5 characters"),
        ("MSH|^~\\A|A", "MSH-2 holds a letter, digit, space or control byte"),
        ("MSH|^~\\ |A", "MSH-2 holds a letter, digit, space or control byte"),
        ("MSH|^~\\&&|A", "MSH-2 '^~\\&&' repeats an encoding character"),
        ("FHS|^^^^|A", "FHS-2 '^^^^' repeats an encoding character"),
    ])
    func unusableDelimitersAreRefused(_ input: String, _ detail: String) {
        #expect(parseError(input)?.reason == .invalidDelimiters(detail: detail))
    }

    @Test func fieldSeparatorReusedInEncodingCharactersIsRefused() {
        // MSH-2 ends at the first field separator, so `^~|&` reads as two characters.
        #expect(parseError("MSH|^~|&|A")?.reason.name == "invalidDelimiters")
        #expect(parseError("MSH#^~#&#A")?.reason.name == "invalidDelimiters")
    }

    @Test func doubledEscapeCharacterIsReadAsStandardEncodingCharacters() throws {
        let m = try message("MSH|^~\\\\&|A|B|C|D|1||ADT^A01|1|P|2.6\rPID|1||a&b^^^c\\T\\d")
        #expect(m.delimiters == .standard)
        #expect(m.quirks == [.doubledEscapeInEncodingCharacters])
        #expect(m.string(at: "MSH-3") == "A")
        #expect(m.string(at: "PID-3.1.2") == "b")
        #expect(m.string(at: "PID-3.4") == "c&d")
    }

    @Test func mshEndingBeforeVersionIsTruncated() throws {
        let e = try #require(parseError("MSH|^~\\&|A|B|C|D|20240304||ORU^R01|C1\rPID|1\r"))
        #expect(e.reason == .truncatedHeader(fieldCount: 10))
        #expect(e.messageIndex == 1)
        #expect(e.segmentIndex == 1)
        #expect(e.segmentID == "MSH")
        #expect(e.line == 1)
        #expect(e.description.contains("before MSH-12"))
        #expect(parseError("MSH|^~\\&")?.reason == .truncatedHeader(fieldCount: 2))
    }

    @Test func wrappedLineIsNotASegment() throws {
        // A segment broken across lines, as in documents copied from a PDF.
        let e = try #require(parseError(msh + "\rOBX|1|TX|x||One film was presented\nfor interpretation|||F\r"))
        #expect(e.reason == .invalidSegmentID)
        #expect(e.messageIndex == 1)
        #expect(e.segmentIndex == 3)
        #expect(e.segmentID == nil, "the bytes of a bad id are patient text: never reported")
        #expect(e.line == 3)
        #expect(e.column == 1)
        #expect(!e.description.contains("for"))
    }

    @Test(arguments: ["pid|1", "PI|1", "P1D1|", "1ID|1", "PID-1", " PID|1", "PI"])
    func malformedSegmentIDsAreRefused(_ line: String) {
        #expect(parseError(msh + "\r" + line + "\r")?.reason == .invalidSegmentID)
    }

    @Test func segmentIDWithDigitsAndZSegmentsAreAccepted() throws {
        let m = try message(msh + "\rZX1|a\rPV1|1\rZZZ\r")
        #expect(m.segments.map(\.id) == ["MSH", "ZX1", "PV1", "ZZZ"])
        #expect(m.segments[3].fieldCount == 0)
    }

    @Test func controlBytesAreBinaryJunk() throws {
        let input = bytes(msh + "\rPID|1||4") + [0x00] + bytes("2\r")
        let e = try #require(parseError(input))
        #expect(e.reason == .binaryData(byte: 0))
        #expect(e.segmentIndex == 2)
        #expect(e.segmentID == "PID")
        #expect(e.field == 3)
        #expect(e.line == 2)
        #expect(e.column == 9)
        #expect(e.description.contains("0x00"))
        for byte: UInt8 in [0x01, 0x07, 0x0B, 0x0C, 0x1C, 0x1F] {
            #expect(parseError(bytes(msh + "\rNTE|1||a") + [byte] + bytes("b"))?.reason == .binaryData(byte: byte))
        }
    }

    @Test func binaryJunkInTheHeaderIsPositioned() throws {
        let input = bytes("MSH|^~\\&|A|B|C|D|2024") + [0xFF, 0x00, 0xFE] + bytes("||ORU^R01|1|P|2.5")
        let e = try #require(parseError(input))
        #expect(e.reason == .binaryData(byte: 0))
        #expect(e.segmentID == "MSH")
        #expect(e.field == 7, "MSH-7 counts the field separator as MSH-1")
    }

    @Test func tabsEscapesAndHighBytesAreText() throws {
        let input = bytes(msh + "\rNTE|1||a\tb") + [0x1B] + bytes("$B") + [0xC3, 0xA9, 0xFF] + bytes("\r")
        let m = try HL7Parser.parseMessage(input)
        #expect(m.segments.count == 2)
    }

    @Test func fieldAboveTheLimitIsRefused() throws {
        let limits = HL7Limits(maxFieldBytes: 100)
        #expect(parseError(msh + "\rOBX|1|ED|x||" + String(repeating: "A", count: 100) + "|F", limits: limits) == nil)
        let e = try #require(parseError(msh + "\rOBX|1|ED|x||" + String(repeating: "A", count: 101) + "|F", limits: limits))
        #expect(e.reason == .fieldTooLarge(limit: 100))
        #expect(e.segmentIndex == 2)
        #expect(e.segmentID == "OBX")
        #expect(e.field == 5)
        #expect(e.byteOffset == msh.utf8.count + 1 + "OBX|1|ED|x||".utf8.count)
        #expect(e.description == "message 1, segment 2 (OBX), field OBX-5, line 2, column 13 (byte \(e.byteOffset)): field larger than the limit of 100 bytes")
    }

    @Test func hundredMegabyteFieldIsRefusedWithoutReadingToItsEnd() throws {
        var input = bytes(msh + "\rOBX|1|ED|PDF^Report^L||^application^pdf^Base64^")
        let fieldStart = input.count - "^application^pdf^Base64^".utf8.count
        input += [UInt8](repeating: UInt8(ascii: "Q"), count: 100_000_000)
        input += bytes("||||||F\r")
        let clock = ContinuousClock()
        var error: HL7ParseError?
        let elapsed = clock.measure { error = parseError(input) }
        let e = try #require(error)
        #expect(e.reason == .fieldTooLarge(limit: 64 << 20))
        #expect(e.field == 5)
        #expect(e.segmentID == "OBX")
        #expect(e.byteOffset == fieldStart)
        #expect(elapsed < .seconds(30))
        #expect(!e.description.contains("QQQ"))
    }

    @Test func messageAboveTheLimitIsRefused() throws {
        let limits = HL7Limits(maxMessageBytes: 1_000)
        var input = msh
        for n in 1...80 { input += "\rOBX|\(n)|NM|x||\(n)" }
        let e = try #require(parseError(input, limits: limits))
        #expect(e.reason == .messageTooLarge(limit: 1_000))
        #expect(e.messageIndex == 1)
        #expect(e.byteOffset == 1_001)
        // A batch of small messages is fine: the limit is per message.
        let batch = Array(repeating: msh + "\rOBX|1|NM|x||5", count: 100).joined(separator: "\r")
        #expect(try parse(batch, limits: limits).messages.count == 100)
    }

    @Test func segmentsAboveTheLimitAreRefused() throws {
        let limits = HL7Limits(maxSegmentsPerMessage: 10)
        let fine = msh + String(repeating: "\rNTE|1", count: 9)
        #expect(parseError(fine, limits: limits) == nil)
        let e = try #require(parseError(fine + "\rNTE|1", limits: limits))
        #expect(e.reason == .tooManySegments(limit: 10))
        #expect(e.segmentIndex == 11)
        #expect(e.line == 11)
    }

    @Test func errorInALaterMessageNamesThatMessage() throws {
        let input = msh + "\rPID|1\r" + msh + "\rPID|1\rOBX|1|NM|x||5\rxx|1\r"
        let e = try #require(parseError(input))
        #expect(e.reason == .invalidSegmentID)
        #expect(e.messageIndex == 2)
        #expect(e.segmentIndex == 4)
        #expect(e.line == 6)
    }

    @Test func linesCountCRLFOnceAndLoneCRAndLF() throws {
        let e = try #require(parseError(msh + "\r\nPID|1\rPV1|1\nOBX|1\r\nbad\r\n"))
        #expect(e.line == 5)
        #expect(e.column == 1)
    }

    @Test func descriptionsNeverContainFieldContents() {
        let secret = "SECRETNAME"
        let inputs: [[UInt8]] = [
            bytes("PID|1||\(secret)"),
            bytes("MSH|^~\\&|\(secret)"),
            bytes(msh + "\rPID|1||\(secret)\n\(secret)"),
            bytes(msh + "\rPID|1||\(secret)") + [0x00],
            bytes("MSH|\(secret)|"),
            [0x0B] + bytes(msh + "\rPID|1||\(secret)"),
        ]
        for input in inputs {
            let e = parseError(input)
            #expect(e != nil)
            #expect(!(e?.description.contains("SECRET") ?? true))
            #expect(!(e?.segmentID?.contains("SEC") ?? false))
        }
    }

    @Test func parseHeaderReadsTheMSHOfAMessageThatFailsLater() throws {
        let input = [0x0B] + bytes(msh + "\rPID|1||42\r") + [0x00] + bytes("junk")
        #expect(parseError(input) != nil)
        let header = try HL7Parser.parseHeader(input)
        #expect(header.id == "MSH")
        #expect(header[10].string == "C1")
        #expect(header.byteRange.lowerBound == 1)
    }

    @Test func parseHeaderRefusesInputWithoutUsableMSH() {
        #expect(throws: HL7ParseError.self) { try HL7Parser.parseHeader(bytes("PID|1")) }
        #expect(throws: HL7ParseError.self) { try HL7Parser.parseHeader(bytes("MSH|&&&&|A|B")) }
        #expect(throws: HL7ParseError.self) { try HL7Parser.parseHeader([]) }
    }
}
