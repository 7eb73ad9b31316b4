import Foundation
import Testing
import TACEXML

/// The shared conformance corpus: `../shared/corpus` beside the repository
/// (or `$TACE_CORPUS`).
let corpusDirectory: URL = {
    if let path = ProcessInfo.processInfo.environment["TACE_CORPUS"] {
        return URL(fileURLWithPath: path)
    }
    return URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // TACEXMLTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // repository
        .deletingLastPathComponent()
        .appendingPathComponent("shared/corpus")
}()

/// Every XML file of the corpus (by extension: .xml, .ccda, .cda, any case).
func corpusXMLFiles() -> [URL] {
    guard let walker = FileManager.default.enumerator(at: corpusDirectory, includingPropertiesForKeys: nil) else { return [] }
    var files: [URL] = []
    for case let url as URL in walker where ["xml", "ccda", "cda"].contains(url.pathExtension.lowercased()) {
        files.append(url)
    }
    return files.sorted { $0.path < $1.path }
}

func corpusFile(_ relative: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: corpusDirectory.appendingPathComponent(relative)))
}

/// For the C-CDA fragments that declare no namespace at all.
let cdaRepair = XMLNamespaceRepair(
    defaultElementNamespace: XMLNamespaces.hl7,
    undeclaredPrefixes: ["xsi": XMLNamespaces.xsi, "sdtc": XMLNamespaces.sdtc])

@Suite("Shared corpus")
struct CorpusTests {
    @Test func everyCorpusXMLFileParsesOrFailsWithAPositionedError() throws {
        let files = corpusXMLFiles()
        try #require(files.count >= 30, "corpus not found at \(corpusDirectory.path)")
        var parsed = 0
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            do {
                let doc = try XMLDocument.parse(bytes)
                #expect(doc.root != nil, "\(file.lastPathComponent)")
                // Every node of every file can be walked and read without trouble.
                _ = try everythingReadable(doc)
                parsed += 1
            } catch let error as XMLParseError {
                #expect(error.line > 0, "\(file.lastPathComponent): \(error)")
                #expect(!error.message.isEmpty)
            }
        }
        // All of them are well-formed XML (some are not namespace-well-formed).
        #expect(parsed == files.count)
    }

    @Test func everyTruncatedCorpusFileFailsWithAPositionedError() throws {
        for file in corpusXMLFiles() {
            let bytes = [UInt8](try Data(contentsOf: file))
            for fraction in [0.25, 0.5, 0.9] {
                let cut = Array(bytes[..<Int(Double(bytes.count) * fraction)])
                let error = try #require(xmlParseError(cut), "\(file.lastPathComponent) cut at \(fraction) parsed")
                #expect(error.line > 0, "\(file.lastPathComponent): \(error)")
                // Our messages are fixed sentences: none quotes the file.
                #expect(!error.message.contains("<") && !error.message.contains("="), "\(error)")
            }
        }
    }

    @Test func referenceCCDPlateletResultIsReadable() throws {
        let doc = try XMLDocument.parse(try corpusFile("microsoft__FHIR-Converter/data/SampleData/Ccda/C-CDA_R2-1_CCD.xml.ccda"))
        let ns = XMLNamespaces.cda
        let platelets = try #require(try doc.first("//hl7:observation[@moodCode='EVN'][hl7:code/@code='777-3']", namespaces: ns))
        #expect(try doc.string("hl7:value/@value", namespaces: ns, from: platelets) == "123")
        #expect(try doc.string("hl7:value/@unit", namespaces: ns, from: platelets) == "10*9/L")
        #expect(try doc.string("hl7:value/@xsi:type", namespaces: ns, from: platelets) == "PQ")
        #expect(try doc.string("hl7:effectiveTime/@value", namespaces: ns, from: platelets) == "200803190830-0800")
        #expect(platelets.line > 2900)
        #expect(doc.isNamespaceWellFormed)
    }

    @Test func fragmentWithoutNamespacesIsAcceptedWithWarnings() throws {
        let bytes = try corpusFile("HL7__C-CDA-Examples/Results/Result with greater than a specified value/Result with greater than a specified value(C-CDA2.1).xml")
        let doc = try XMLDocument.parse(bytes)
        #expect(!doc.isNamespaceWellFormed)
        #expect(doc.warnings.contains { $0.category == .namespace && $0.code == 201 && $0.line > 0 })
        let root = try #require(doc.root)
        #expect(root.name == "section" && root.namespaceURI == nil)
        // The unbound prefix is still found by its written name.
        let value = try #require(try doc.first("//observation/value"))
        #expect(value.attribute("xsi:type") == "IVL_PQ")
        #expect(value.attribute("type", namespace: XMLNamespaces.xsi) == nil)
    }

    @Test func namespaceRepairLetsFragmentsBeReadWithCDAXPaths() throws {
        let bytes = try corpusFile("HL7__C-CDA-Examples/Results/Result with greater than a specified value/Result with greater than a specified value(C-CDA2.1).xml")
        let doc = try XMLDocument.parse(bytes, namespaceRepair: cdaRepair)
        #expect(!doc.isNamespaceWellFormed)   // the warnings stay
        let ns = XMLNamespaces.cda
        let value = try #require(try doc.first("//hl7:observation[@moodCode='EVN']/hl7:value[@xsi:type='IVL_PQ']", namespaces: ns))
        #expect(value.attribute("type", namespace: XMLNamespaces.xsi) == "IVL_PQ")
        #expect(value.attribute("xsi:type") == "IVL_PQ")
        #expect(try doc.string("hl7:low/@value", namespaces: ns, from: value) == "500")
        #expect(try doc.string("hl7:low/@inclusive", namespaces: ns, from: value) == "false")
        #expect(try doc.string("hl7:high/@nullFlavor", namespaces: ns, from: value) == "PINF")
        #expect(try doc.string("../hl7:effectiveTime/@value", namespaces: ns, from: value) == "201403020908-0500")
    }

    @Test func namespaceRepairLeavesWellFormedDocumentsAlone() throws {
        let plain = try XMLDocument.parse(ccdaResultDocument)
        let repaired = try XMLDocument.parse(ccdaResultDocument, namespaceRepair: cdaRepair)
        let xpath = "//hl7:*[@xsi:type]/@value"
        #expect(try plain.select(xpath, namespaces: XMLNamespaces.cda).map { try $0.text() }
                == repaired.select(xpath, namespaces: XMLNamespaces.cda).map { try $0.text() })
    }
}
