import Testing
import TACEHL7v2
@testable import TACEHL7v2XML

/// How the v2.xml structure becomes segments, fields, repetitions, components and subcomponents.
@Suite("HL7 v2 XML encoding rules")
struct EncodingTests {
    @Test("groups are flattened, segments keep document order, MSH is padded to MSH-12")
    func groupsFlatten() throws {
        let read = try message(document("<ORU_R01.PATIENT_RESULT><ORU_R01.PATIENT><PID><PID.1>1</PID.1></PID></ORU_R01.PATIENT>"
            + "<ORU_R01.ORDER_OBSERVATION><OBR/><ORU_R01.OBSERVATION><OBX/><NTE/></ORU_R01.OBSERVATION></ORU_R01.ORDER_OBSERVATION>"
            + "</ORU_R01.PATIENT_RESULT><ZXY><ZXY.2>z</ZXY.2></ZXY>"))
        #expect(read.message.segments.map(\.id) == ["MSH", "PID", "OBR", "OBX", "NTE", "ZXY"])
        #expect(String(decoding: read.message.segments[0].rawBytes, as: UTF8.self) == "MSH|^~\\&|LAB|HOSP|||||ORU^R01|M1|P|2.5.1")
        #expect(String(decoding: read.message.segments[5].rawBytes, as: UTF8.self) == "ZXY||z")
        #expect(read.message.segments[3].fieldCount == 0)
    }

    @Test("repeated field elements are repetitions; components and subcomponents by their number")
    func repetitionsAndParts() throws {
        let pid = "<PID><PID.3><CX.1>A1</CX.1><CX.4><HD.1>HOSP</HD.1><HD.2>1.2.3</HD.2><HD.3>ISO</HD.3></CX.4></PID.3>"
            + "<PID.3><CX.1>B2</CX.1><CX.5>MR</CX.5></PID.3></PID>"
        let read = try message(document(pid))
        let field = read.message.value(at: "PID-3")
        #expect(field?.repetitions.count == 2)
        #expect(read.message.string(at: "PID-3(1).4.2") == "1.2.3")
        #expect(read.message.string(at: "PID-3(2).1") == "B2")
        #expect(read.message.string(at: "PID-3(2).5") == "MR")
        #expect(String(decoding: read.message.segments[1].rawBytes, as: UTF8.self) == "PID|||A1^^^HOSP&1.2.3&ISO~B2^^^^MR")
    }

    @Test("fields and components given out of order land at their numbers")
    func outOfOrder() throws {
        let read = try message(document("<OBX><OBX.5>7</OBX.5><OBX.3><CE.3>LN</CE.3><CE.1>1834-1</CE.1></OBX.3><OBX.2>NM</OBX.2></OBX>"))
        #expect(String(decoding: read.message.segments[1].rawBytes, as: UTF8.self) == "OBX||NM|1834-1^^LN||7")
    }

    @Test("delimiter characters in text are data and decode back to the same text")
    func delimitersInText() throws {
        let text = "a|b^c~d\\e&f"
        let read = try message(document("<NTE><NTE.3>a|b^c~d\\e&amp;f</NTE.3></NTE>"))
        #expect(read.message.string(at: "NTE-3") == text)
        #expect(read.message.value(at: "NTE-3")?.repetitions.count == 1)
        #expect(read.message.value(at: "NTE-3")?.components.count == 1)
    }

    @Test("escape elements become ER7 escapes: .br is a line break, H and N stay as written, X is hex")
    func escapeElements() throws {
        let read = try message(document("<NTE><NTE.3>one<escape V=\".br\"/>two <escape V=\"H\"/>bold<escape V=\"N\"/> <escape V=\"X41\"/></NTE.3></NTE>"))
        #expect(read.message.string(at: "NTE-3") == "one\ntwo \\H\\bold\\N\\ A")
    }

    @Test("line breaks in XML text are line breaks in the value")
    func lineBreaks() throws {
        let read = try message(document("<NTE><NTE.3>first\nsecond</NTE.3></NTE>"))
        #expect(read.message.string(at: "NTE-3") == "first\nsecond")
    }

    @Test("an empty element is a present, empty value; HL7's null \"\" is kept")
    func emptyAndNull() throws {
        let read = try message(document("<OBX><OBX.2/><OBX.5>\"\"</OBX.5></OBX>"))
        let obx = read.message.segments[1]
        #expect(obx.fieldCount == 5)
        #expect(obx[2].isPresent && obx[2].isEmpty)
        #expect(obx[5].isNull)
    }

    @Test("a field with text only is its first component; a component with text only its first subcomponent")
    func textIsFirstPart() throws {
        let read = try message(document("<OBX><OBX.3>1834-1</OBX.3><OBX.6><CE.1>ng/mL</CE.1></OBX.6></OBX>"))
        #expect(read.message.string(at: "OBX-3.1") == "1834-1")
        #expect(read.message.value(at: "OBX-6.1")?.subcomponent(1).string == "ng/mL")
    }

    @Test("comments, processing instructions and blank text between elements are ignored")
    func ignorables() throws {
        let read = try message(document("<!-- c --><PID>\n  <?pi x?><PID.1>1</PID.1><!-- d -->\n</PID>"))
        #expect(read.message.segments.map(\.id) == ["MSH", "PID"])
        #expect(read.message.string(at: "PID-1") == "1")
    }

    @Test("MSH.1 and MSH.2 are not read: the model always uses |^~\\&")
    func headerDelimiters() throws {
        let header = minimalMSH.replacingOccurrences(of: "<MSH.1>|</MSH.1><MSH.2>^~\\&amp;</MSH.2>", with: "<MSH.1>#</MSH.1><MSH.2>$%*!</MSH.2>")
        let read = try message(document("<PID><PID.1>1</PID.1></PID>", header: header))
        #expect(read.message.delimiters == .standard)
        #expect(read.message.string(at: "PID-1") == "1")
    }

    @Test("any message structure is accepted as the root, e.g. ACK")
    func otherStructures() throws {
        let read = try message(document("<MSA><MSA.1>AA</MSA.1><MSA.2>M0</MSA.2></MSA>", root: "ACK"))
        #expect(read.message.string(at: "MSA-1") == "AA")
    }

    @Test("non-ASCII text stays UTF-8")
    func unicode() throws {
        let read = try message(document("<NTE><NTE.3>Bilirubin µmol/L, Größe</NTE.3></NTE>"))
        #expect(read.message.string(at: "NTE-3") == "Bilirubin µmol/L, Größe")
    }
}

@Suite("HL7 v2 XML as encoders write it")
struct EncoderVariantTests {
    @Test("schema annotation attributes and xsi:schemaLocation are not data")
    func annotations() throws {
        let xml = "<?xml version=\"1.0\"?><ACK xmlns=\"urn:hl7-org:v2xml\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
            + " xsi:schemaLocation=\"urn:hl7-org:v2xml ACK.xsd\">" + minimalMSH
            + "<MSA><MSA.1 Item=\"18\" Type=\"ID\" LongName=\"Acknowledgment Code\">AR</MSA.1><MSA.2>ZZ9380</MSA.2></MSA>"
            + "<ERR><ERR.1><ELD.1>PID</ELD.1><ELD.2>1</ELD.2><ELD.3>16</ELD.3><ELD.4><CE.1>103</CE.1><CE.2>Table value not found</CE.2><CE.3>HL70357</CE.3></ELD.4></ERR.1></ERR></ACK>"
        let read = try message(Array(xml.utf8))
        #expect(String(decoding: read.message.segments[1].rawBytes, as: UTF8.self) == "MSA|AR|ZZ9380")
        #expect(String(decoding: read.message.segments[2].rawBytes, as: UTF8.self) == "ERR|PID^1^16^103&Table value not found&HL70357")
    }

    @Test("a prefixed namespace and v2.7-style primitive DTM fields read the same")
    func prefixedAndPrimitive() throws {
        let xml = "<v:ORU_R01 xmlns:v=\"urn:hl7-org:v2xml\">" + minimalMSH.replacingOccurrences(of: "<", with: "<v:").replacingOccurrences(of: "<v:/", with: "</v:")
            + "<v:OBX><v:OBX.14>20250106073000+0100</v:OBX.14></v:OBX></v:ORU_R01>"
        let read = try message(Array(xml.utf8))
        #expect(read.message.controlID == "M1")
        #expect(read.message.string(at: "OBX-14.1") == "20250106073000+0100")
    }
}
