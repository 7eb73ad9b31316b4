import Foundation
import Testing
import TACEHL7v2

/// The shared conformance corpus (`../shared/corpus`, or `TACE_CORPUS`):
/// every HL7 v2 ER7 file listed in its README parses into messages or fails
/// with a positioned error, and values checked by hand against the files
/// come out right.
enum Corpus {
    static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["TACE_CORPUS"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }()

    /// Relative paths of the README table rows whose format column is `hl7v2-er7`.
    static let er7Files: [String] = {
        guard let readme = try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8) else { return [] }
        return readme.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| "), line.contains("| hl7v2-er7 |") else { return nil }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count > 2 else { return nil }
            let path = cells[2].trimmingCharacters(in: .whitespaces)
            guard path.hasPrefix("`"), path.hasSuffix("`") else { return nil }
            return String(path.dropFirst().dropLast())
        }
    }()

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    /// The one listed file whose path ends with `suffix`.
    static func file(_ suffix: String) throws -> [UInt8] {
        let matches = er7Files.filter { $0.hasSuffix(suffix) }
        try #require(matches.count == 1, "expected one corpus file ending in \(suffix), found \(matches.count)")
        return try bytes(matches[0])
    }

    static func message(_ suffix: String, _ index: Int = 0) throws -> HL7Message {
        try HL7Parser.parse(try file(suffix)).messages[index]
    }
}

@Suite struct CorpusTests {
    /// Files that must fail, with the reason and where.
    static let expectedFailures: [String: (HL7ParseError.Reason, line: Int, segment: Int)] = [
        // MSH-2 is `&&&&`: no component, repetition or escape character can be told apart.
        "Lyme_WithBadDelimiters.txt": (.invalidDelimiters(detail: "MSH-2 '&&&&' repeats an encoding character"), 1, 1),
        // Copied from a PDF: the MSH line breaks inside MSH-10 and segments are
        // glued together with spaces. Refused rather than guessed at: joining
        // the lines back would put text into fields it never belonged to.
        "mdm-example.hl7": (.truncatedHeader(fieldCount: 10), 1, 1),
    ]

    @Test func readmeListsTheER7Files() throws {
        try #require(FileManager.default.fileExists(atPath: Corpus.root.path), "corpus not found at \(Corpus.root.path); set TACE_CORPUS")
        #expect(Corpus.er7Files.count >= 44)
        for path in Corpus.er7Files {
            #expect(FileManager.default.fileExists(atPath: Corpus.root.appendingPathComponent(path).path), "\(path)")
        }
    }

    @Test func everyFileThatLooksLikeER7IsListed() throws {
        let listed = Set(Corpus.er7Files)
        let enumerator = try #require(FileManager.default.enumerator(at: Corpus.root, includingPropertiesForKeys: [.isRegularFileKey]))
        var found = 0
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            guard let handle = try? FileHandle(forReadingFrom: url) else { continue }
            let head = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
            try? handle.close()
            let body = head.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(head.dropFirst(3)) : head
            let text = String(decoding: body.prefix(3), as: UTF8.self)
            guard ["MSH", "FHS", "BHS"].contains(text) || body.first == 0x0B else { continue }
            found += 1
            let relative = String(url.standardizedFileURL.path.dropFirst(Corpus.root.standardizedFileURL.path.count + 1))
            #expect(listed.contains(relative), "\(relative) looks like ER7 but is not in the README table")
        }
        #expect(found == listed.count)
    }

    @Test(arguments: Corpus.er7Files)
    func fileParsesOrFailsWithPosition(_ path: String) throws {
        let input = try Corpus.bytes(path)
        let name = String(path.split(separator: "/").last!)
        let outcome = Result { () throws(HL7ParseError) in try HL7Parser.parse(input) }
        if let expected = Self.expectedFailures[name] {
            guard case .failure(let error) = outcome else {
                Issue.record("\(name) should fail to parse")
                return
            }
            #expect(error.reason == expected.0)
            #expect(error.line == expected.line)
            #expect(error.messageIndex == 1)
            #expect(error.segmentIndex == expected.segment)
            #expect(error.segmentID == "MSH")
            return
        }
        let interchange: HL7Interchange
        switch outcome {
        case .success(let value): interchange = value
        case .failure(let error):
            Issue.record("\(name): \(error)")
            return
        }
        if name == "COVID-Test Full Batch Headers No Message v2_5_1.txt" {
            #expect(interchange.messages.isEmpty)
            #expect(interchange.envelope.map(\.id) == ["FHS", "BHS", "BTS", "FTS"])
        } else {
            #expect(interchange.messages.count >= 1)
        }
        for message in interchange.messages {
            #expect(message.header.id == "MSH")
            #expect(message.messageType.code != nil)
            #expect(message.controlID != nil)
            let version = try #require(message.parsedVersion, "\(name): MSH-12")
            #expect(version >= .v2_3 && version < HL7Version(major: 2, minor: 9))
            exerciseEveryValue(message)
            let ack = HL7Acknowledgment.build(for: message, code: .accept, controlID: "ACK1", timestamp: "20240101")
            let parsedAck = try HL7Parser.parseMessage(ack)
            #expect(parsedAck.string(at: "MSA-2") == message.controlID)
        }
        #expect(segmentsMatchLines(input, interchange), "\(name): segments are the non-blank lines of the file")
    }

    /// Reads every field, repetition, component and subcomponent as text.
    func exerciseEveryValue(_ message: HL7Message) {
        var characters = 0
        for segment in message.segments {
            for field in segment.fields {
                for repetition in field.repetitions {
                    for component in repetition.components {
                        for sub in component.subcomponents { characters += sub.string.count }
                    }
                }
            }
        }
        #expect(characters >= 0)
    }

    /// Independent check of the segment split: Foundation's line splitting
    /// of the file (BOM removed, blank lines dropped) gives the same segments.
    func segmentsMatchLines(_ input: [UInt8], _ interchange: HL7Interchange) -> Bool {
        let body = input.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(input.dropFirst(3)) : input
        let lines = body.split(whereSeparator: { $0 == 0x0D || $0 == 0x0A })
            .filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
            .map { Array($0) }
        let segments = (interchange.envelope + interchange.messages.flatMap { Array($0.segments) })
            .sorted { $0.byteRange.lowerBound < $1.byteRange.lowerBound }
            .map { Array($0.rawBytes) }
        return lines == segments
    }

    // MARK: Values checked by hand against the files

    @Test func nistLeadTestCase() throws {
        let m = try Corpus.message("ORU_R01_2.5.1_SampleTestCase1.hl7")
        #expect(m.controlID == "NIST-100929110701660")
        #expect(m.messageType == HL7MessageType(code: "ORU", triggerEvent: "R01", structure: "ORU_R01"))
        #expect(m.sendingApplication == HL7HierarchicDesignator(
            namespaceID: "EHR Application", universalID: "2.16.840.1.113883.3.72.7.1", universalIDType: "HL7"))
        #expect(m.string(at: "MSH-21.1") == "PHLabReport-NoAck")
        // PID-3 CX with an assigning authority HD in subcomponents.
        #expect(m.string(at: "PID-3.1") == "9817566735")
        #expect(m.string(at: "PID-3.4.1") == "MPI")
        #expect(m.string(at: "PID-3.4.2") == "2.16.840.1.113883.19.3.2.1")
        #expect(m.string(at: "PID-3.4.3") == "ISO")
        #expect(m.string(at: "PID-3.5") == "MR")
        #expect(m.string(at: "OBX-3.1") == "10368-9")
        #expect(m.string(at: "OBX-3.3") == "LN")
        #expect(m.string(at: "OBX-5") == "50")
        #expect(m.string(at: "OBX-6.1") == "ug/dL")
        #expect(m.string(at: "OBX-6.3") == "UCUM")
        #expect(m.string(at: "OBX-7") == "<9 mcg/dL:  Acceptable background lead exposure")
        #expect(m.string(at: "OBX-8") == "H")
        #expect(m.string(at: "OBX-11") == "F")
        #expect(m.string(at: "OBX-14") == "200808151030-0700")
    }

    @Test func nistCBCWithBOMAndLineFeeds() throws {
        let m = try Corpus.message("LRI_2.0-NG_CBC_Typ_Message.hl7")
        #expect(m.byteRange.lowerBound == 3, "after the BOM")
        #expect(m.string(at: "OBX[1]-3.9") == "Erythrocytes [#/volume] in Blood")
        #expect(m.string(at: "OBX[1]-7") == "4.3 to 6.2")
        #expect(m.string(at: "OBX[4]-3.1") == "26464-8")
        #expect(m.string(at: "OBX[4]-5") == "105600")
        #expect(m.string(at: "OBX[4]-6.1") == "{cells}/uL")
        #expect(m.string(at: "OBX[4]-8") == "HH")
        #expect(m.string(at: "OBX[4]-14") == "20110103143428-0800")
    }

    @Test func enhancedELRWithTruncationCharacter() throws {
        let m = try Corpus.message("EnhancedELR_COVID19_Example.txt")
        #expect(m.delimiters.truncation == UInt8(ascii: "#"))
        #expect(m.header[2].string == "^~\\&#")
        #expect(m.controlID == "1312-2")
        #expect(m.processingID == "T")
        #expect(m.string(at: "MSH-21(2).1") == "HHS_Guidance")
        #expect(m.string(at: "OBX[6]-3.1") == "30525-0")
        #expect(m.string(at: "OBX[6]-5") == "85")
        #expect(m.string(at: "OBX[6]-6.1") == "a")
        #expect(m.string(at: "OBX[1]-5.2") == "Detected")
        #expect(m.string(at: "OBX[1]-17(2).1") == "ABI7500Fast")
    }

    @Test func batchWithFiveMessages() throws {
        let i = try HL7Parser.parse(try Corpus.file("COVID-Test Full Batch Headers Multiple Messages  v2_5_1 COVID-TEST Partner.txt"))
        #expect(i.messages.map(\.controlID) == [
            "3915949_M2002000005-01", "3915947_M2002000010-01", "3915950_M2002000006-01", "3915947_M2002000007-01", "40708",
        ])
        #expect(i.fileHeader?[3].component(1).string == "COVID-Test")
        #expect(i.envelope.map(\.id) == ["FHS", "BHS", "BTS", "FTS"])
        let first = i.messages[0]
        #expect(first.string(at: "PID-3.1") == "1040970")
        #expect(first.string(at: "PID-3.4.2") == "2.16.840.1.114222.4.3.3.2.12.2")
        #expect(first.string(at: "PID-3.5") == "PI")
        #expect(first.string(at: "OBX-5.2") == "Detected")
    }

    @Test func batchWithBlankLinesVersion231() throws {
        let m = try Corpus.message("EXR231BatchSpace1")
        #expect(m.version == "2.3.1")
        #expect(m.string(at: "PID-3.1") == "EXRPIDBatch231_Space1")
        #expect(m.string(at: "OBX[2]-5.4.2") == "2.16.840.1.123321.4.1.660666")
        #expect(m.segments("OBR").count == 2)
    }

    @Test func subcomponentEscapesInAnRPReference() throws {
        let m = try Corpus.message("OUL-R22-01.hl7")
        #expect(m.version == "2.8")
        #expect(m.characterSet == "UNICODE UTF-8")
        let rp = try #require(m.segments("OBX").first { $0[2].string == "RP" })
        #expect(rp[5].component(1).string
            == "http://172.16.237.4/CaseCenter/index.php?ContainerType=CaseView&ContainerID=0&SlideID=40bcbe96bcbf8cda8b07403263b92cb4")
        #expect(rp[5].component(4).string == "MRXS")
    }

    @Test func repeatedNumericValueAndEscapedNote() throws {
        let m = try Corpus.message("ORU-R01-01.hl7")
        let nm = try #require(m.segments("OBX").first { $0[2].string == "NM" })
        #expect(nm[5].repetitions.map(\.string) == ["27", "25"])
        #expect(nm[11].string == "I")
        let note = try #require(m.segment("NTE"))[3].string
        #expect(note.contains("E.coli O157:H7 & other STECs"))
    }

    @Test func hepatitisNotificationWithCarriageReturnsAndNull() throws {
        let m = try Corpus.message("Hepatitis_V1_0_1_TM_TC02_HEP_B_ACUTE.hl7")
        #expect(m.value(at: "OBR-2")?.isNull == true)
        #expect(m.string(at: "PID-3.4.2") == "2.16.840.1.114222.nnnn")
        #expect(m.string(at: "OBX[5]-2") == "SN")
        #expect(m.string(at: "OBX[5]-5.2") == "10")
        #expect(m.string(at: "OBX[5]-6.1") == "d")
    }

    @Test func version23CodedResult() throws {
        let m = try Corpus.message("DREAMS_2020-05-27-11-36-15-217(2)_3z.OBX")
        #expect(m.version == "2.3")
        #expect(m.messageType == HL7MessageType(code: "ORU", triggerEvent: "R01"))
        #expect(m.string(at: "OBX-3.1") == "94500-6")
        #expect(m.string(at: "OBX-3.3") == "LN")
        #expect(m.string(at: "OBX-5.2") == "Not Detected")
    }

    @Test func cernerLeadResult() throws {
        let m = try Corpus.message("cerner_lead.hl7")
        #expect(m.string(at: "PID-3.4.1") == "Baseline West MC")
        #expect(m.string(at: "PID-3.4.2") == "33D1234567")
        #expect(m.string(at: "OBX-6.2") == "Micrograms per Deciliter")
        #expect(m.string(at: "OBX-8") == "H")
    }

    @Test func kentuckyHepatitisStructuredNumeric() throws {
        let m = try Corpus.message("KY_Hepatitis Round 2_TM1.txt")
        #expect(m.string(at: "OBR-25") == "C")
        #expect(m.string(at: "OBX[1]-3.1") == "1920-8")
        #expect(m.string(at: "OBX[1]-3.3") == "2.16.840.1.113883.6.1")
        #expect(m.string(at: "OBX[1]-5.2") == "100")
    }

    @Test func doubledEscapeInWindowsFile() throws {
        let m = try Corpus.message("sample_win.hl7")
        #expect(m.quirks == [.doubledEscapeInEncodingCharacters])
        #expect(m.delimiters == .standard)
        #expect(m.string(at: "PID-3(2).1") == "1234568965")
        #expect(m.string(at: "PID-3(2).5") == "SS")
        #expect(m.version == "2.6")
        // The literal two characters `\r` at the end of a field are not an escape sequence.
        #expect(m.string(at: "OBX-17") == "\\r")
        #expect(m.string(at: "OBX-16(4).2") == "LOTHDEW")
    }
}
