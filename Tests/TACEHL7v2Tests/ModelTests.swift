import Testing
import TACEHL7v2

/// Field numbering, navigation, escapes and the header conveniences.
@Suite struct ModelTests {
    @Test func mshFieldOneIsTheFieldSeparatorAndTwoTheEncodingCharacters() throws {
        let m = try message(sampleORU)
        let msh = m.header
        #expect(msh[1].string == "|")
        #expect(msh[2].string == "^~\\&", "MSH-2 is returned as written, never unescaped")
        #expect(msh[3].string == "LAB^1.2.3^ISO")
        #expect(msh[9].string == "ORU^R01^ORU_R01")
        #expect(msh[10].string == "MSG00042")
        #expect(msh[12].string == "2.5.1")
        #expect(msh.fieldCount == 18)
        #expect(msh[2].component(1).string == "^~\\&", "MSH-2 is not split into components")
    }

    @Test func otherSegmentsNumberFieldsFromTheFirstSeparator() throws {
        let m = try message(sampleORU)
        let pid = try #require(m.segment("PID"))
        #expect(pid[1].string == "1")
        #expect(pid[2].isEmpty)
        #expect(pid[3].component(1).string == "12345")
        #expect(pid[5].string == "Dupont^Jean")
        #expect(pid.fieldCount == 8)
        #expect(pid.field(9) == nil)
        #expect(pid.field(0) == nil)
    }

    @Test func separatorCharactersOtherThanPipeNumberTheSameWay() throws {
        let m = try message("MSH#^~\\&#APP#FAC#R#RF#20240101##ADT^A01#X1#P#2.4\rPID#1##99")
        #expect(m.header[1].string == "#")
        #expect(m.header[3].string == "APP")
        #expect(m.controlID == "X1")
        #expect(m.string(at: "PID-3") == "99")
    }

    @Test func repetitionsComponentsAndSubcomponents() throws {
        let m = try message(sampleORU)
        let pid3 = try #require(m.segment("PID"))[3]
        #expect(pid3.repetitions.count == 2)
        #expect(pid3.repetition(1).string == "12345^^^HOSP&1.2.840.99&ISO^MR")
        #expect(pid3.repetition(2).component(1).string == "987")
        #expect(pid3.repetition(2).component(5).string == "NI")
        #expect(pid3.component(4).string == "HOSP&1.2.840.99&ISO", "component of a field reads the first repetition")
        #expect(pid3.component(4).subcomponent(2).string == "1.2.840.99")
        #expect(pid3.component(4).subcomponents.map(\.string) == ["HOSP", "1.2.840.99", "ISO"])
        #expect(pid3.repetition(1).components.count == 5)
        #expect(m.string(at: "PID-3(2).4") == "NAT")
        #expect(m.string(at: "PID-3.4.3") == "ISO")
    }

    @Test func absentPartsAreEmptyAndNotPresent() throws {
        let m = try message(sampleORU)
        let pid = try #require(m.segment("PID"))
        #expect(pid[40].isEmpty && !pid[40].isPresent)
        #expect(pid[3].repetition(3).isEmpty && !pid[3].repetition(3).isPresent)
        #expect(pid[3].component(9).isEmpty)
        #expect(pid[2].isEmpty && pid[2].isPresent, "an empty field between separators is present")
        #expect(pid[1].component(1).string == "1", "the first component of a primitive is the value itself")
        #expect(pid[1].component(2).isEmpty)
        #expect(pid[1].subcomponent(1).string == "1")
        #expect(m.segment("ZZZ") == nil)
        #expect(m.segment("OBX", occurrence: 3) == nil)
        #expect(m.string(at: "PID-2") == nil)
        #expect(m.value(at: "PID-40")?.isPresent == false)
    }

    @Test func segmentsByIDAndOccurrence() throws {
        let m = try message(sampleORU)
        #expect(m.segments.map(\.id) == ["MSH", "PID", "OBR", "OBX", "OBX", "NTE"])
        #expect(m.segments("OBX").map { $0[1].string } == ["1", "2"])
        #expect(m.segment("OBX", occurrence: 2)?[3].component(1).string == "1975-2")
        #expect(m.string(at: "OBX[2]-3.2") == "Bilirubin")
        #expect(m.segments[3].id == "OBX")
    }

    @Test(arguments: ["", "PID", "PID-", "PID-0", "PID-x", "PID[0]-3", "PID-3(0)", "PID-3.", "PID-3.1.2.3", "PI-3"])
    func malformedPathsGiveNil(_ path: String) throws {
        let m = try message(sampleORU)
        #expect(m.value(at: path) == nil)
    }

    @Test func nullValueIsTwoDoubleQuotes() throws {
        let m = try message("MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\rOBR|1|\"\"|X")
        #expect(m.value(at: "OBR-2")?.isNull == true)
        #expect(m.value(at: "OBR-3")?.isNull == false)
    }

    @Test func headerConveniences() throws {
        let m = try message(sampleORU)
        #expect(m.messageType == HL7MessageType(code: "ORU", triggerEvent: "R01", structure: "ORU_R01"))
        #expect(m.messageType.description == "ORU^R01^ORU_R01")
        #expect(m.controlID == "MSG00042")
        #expect(m.processingID == "P")
        #expect(m.version == "2.5.1")
        #expect(m.sendingApplication == HL7HierarchicDesignator(namespaceID: "LAB", universalID: "1.2.3", universalIDType: "ISO"))
        #expect(m.sendingFacility == HL7HierarchicDesignator(namespaceID: "HOSP"))
        #expect(m.receivingApplication.namespaceID == "TACE")
        #expect(m.receivingFacility.namespaceID == "ONCO")
        #expect(m.characterSet == "UNICODE UTF-8")
    }

    @Test func headerConveniencesAreNilWhenEmpty() throws {
        let m = try message("MSH|^~\\&||||||||||")
        #expect(m.messageType == HL7MessageType(code: nil, triggerEvent: nil))
        #expect(m.controlID == nil)
        #expect(m.version == nil)
        #expect(m.parsedVersion == nil)
        #expect(m.sendingApplication.isEmpty)
        #expect(m.characterSet == nil)
    }

    // MARK: Escapes

    func decoded(_ raw: String, _ delimiters: HL7Delimiters = .standard) -> String {
        HL7Escaping.decode(ArraySlice(bytes(raw)), delimiters: delimiters)
    }

    @Test func delimiterEscapesDecodeToTheDelimiters() {
        #expect(decoded("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f") == "a|b^c&d~e\\f")
    }

    @Test func delimiterEscapesFollowTheMessageDelimiters() {
        let d = HL7Delimiters(field: UInt8(ascii: "#"), component: UInt8(ascii: "*"), repetition: UInt8(ascii: "!"),
                              escape: UInt8(ascii: "@"), subcomponent: UInt8(ascii: "%"))
        #expect(decoded("1@F@2@S@3@T@4@R@5@E@6", d) == "1#2*3%4!5@6")
        #expect(decoded("back\\slash", d) == "back\\slash", "a backslash is plain text when @ escapes")
    }

    @Test func lineBreakEscapeIsANewline() {
        #expect(decoded("line one\\.br\\line two") == "line one\nline two")
    }

    @Test func hexEscapeIsUTF8WhenValid() {
        #expect(decoded("Z\\XC3BC\\rich") == "Zürich")
        #expect(decoded("\\X41\\\\X42\\") == "AB")
    }

    @Test func hexEscapeFallsBackToLatin1() {
        #expect(decoded("Z\\XFC\\rich") == "Zürich", "0xFC alone is not UTF-8: read as ISO 8859-1 ü")
        #expect(decoded("\\Xe9\\") == "é", "lower-case hex digits are accepted")
    }

    @Test func unknownAndFormattingEscapesAreKeptLiterally() {
        #expect(decoded("\\H\\bold\\N\\") == "\\H\\bold\\N\\")
        #expect(decoded("a\\.sp2\\b") == "a\\.sp2\\b")
        #expect(decoded("\\Q\\") == "\\Q\\")
        #expect(decoded("\\X4\\") == "\\X4\\", "odd number of hex digits")
        #expect(decoded("\\XZZ\\") == "\\XZZ\\", "not hex")
        #expect(decoded("\\P\\") == "\\P\\", "no truncation character declared")
        #expect(decoded("\\\\") == "\\\\")
    }

    @Test func unterminatedEscapeIsKeptLiterally() {
        #expect(decoded("C:\\temp") == "C:\\temp")
        #expect(decoded("a\\F\\b\\") == "a|b\\")
    }

    @Test func escapesInAParsedMessage() throws {
        let m = try message(sampleORU)
        #expect(m.string(at: "OBX[2]-5") == "12 & 14 ^ high\nsecond line")
        #expect(m.string(at: "NTE-3") == "Comment with | pipe and \\ backslash Cé \\H\\bold\\N\\")
        let raw = try #require(m.value(at: "OBX[2]-5")).rawBytes
        #expect(String(decoding: raw, as: UTF8.self) == "12 \\T\\ 14 \\S\\ high\\.br\\second line")
    }

    @Test func escapedDelimitersDoNotSplitComponents() throws {
        let m = try message("MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\rOBX|1|ST|X||a\\S\\b^c\\R\\d")
        let value = try #require(m.value(at: "OBX-5"))
        #expect(value.components.map(\.string) == ["a^b", "c~d"])
        #expect(value.repetitions.count == 1)
    }

    @Test func textThatIsNotUTF8IsReadAsLatin1() throws {
        let input = bytes("MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.3||||||8859/1\rPID|1||1||M") + [0xFC] + bytes("ller^J")
        let m = try HL7Parser.parseMessage(input)
        #expect(m.string(at: "PID-5.1") == "Müller")
        #expect(m.characterSet == "8859/1")
    }

    @Test func encodeEscapesDelimitersAndLineBreaks() {
        let encoded = HL7Escaping.encode("a|b^c&d~e\\f\r\ng\nh\u{01}", delimiters: .standard)
        #expect(String(decoding: encoded, as: UTF8.self) == "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g\\.br\\h\\X01\\")
        #expect(decoded(String(decoding: encoded, as: UTF8.self)) == "a|b^c&d~e\\f\ng\nh\u{01}")
    }

    @Test func encodeThenDecodeRoundTripsText() {
        var d = HL7Delimiters.standard
        d.truncation = UInt8(ascii: "#")
        for text in ["plain", "ü ∑ 😀", "#1 | 2 ^ 3", "\\E\\ literal", ""] {
            let encoded = HL7Escaping.encode(text, delimiters: d)
            #expect(HL7Escaping.decode(ArraySlice(encoded), delimiters: d) == text)
        }
    }
}

@Suite struct PathTests {
    @Test func pathWithoutRepetitionIsTheWholeField() throws {
        let m = try message(sampleORU)
        let pid3 = try #require(m.value(at: "PID-3"))
        #expect(pid3.level == .field)
        #expect(pid3.repetitions.count == 2)
        #expect(m.value(at: "PID-3(1)")?.level == .repetition)
        #expect(m.string(at: "PID-3(1)") == "12345^^^HOSP&1.2.840.99&ISO^MR")
        #expect(m.string(at: "PID-3.1") == "12345", "a component of a field comes from its first repetition")
    }
}

@Suite struct TextDecodingTests {
    @Test func truncatedFourByteSequenceIsLatin1NotReplacementCharacters() {
        // F0 9F 98 is a 3-byte invalid prefix: repairing it gives one U+FFFD,
        // also 3 bytes, so a length check alone would take it for UTF-8.
        let text = HL7Escaping.decodeText(ArraySlice([0xF0, 0x9F, 0x98, 0x41]))
        #expect(text == "\u{F0}\u{9F}\u{98}A")
        #expect(!text.contains("\u{FFFD}"))
    }

    @Test func validMultibyteUTF8IsKept() {
        #expect(HL7Escaping.decodeText(ArraySlice(Array("Zürich 😀 ∑".utf8))) == "Zürich 😀 ∑")
        #expect(HL7Escaping.decodeText([]) == "")
    }
}
