import Foundation
import Testing
import TACEFHIRReader
import TACEHL7v2
import TACEHL7v2Reader
import TACEMappings
@testable import TACEHL7v2XML

enum Files {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(path)))
    }
}

/// A v2.xml document: `body` inside `<ORU_R01 xmlns="urn:hl7-org:v2xml">`, after a minimal MSH.
func document(_ body: String, header: String = minimalMSH, root: String = "ORU_R01", namespace: String = HL7v2XML.namespace) -> [UInt8] {
    Array("<?xml version=\"1.0\"?>\n<\(root) xmlns=\"\(namespace)\">\(header)\(body)</\(root)>".utf8)
}

let minimalMSH = "<MSH><MSH.1>|</MSH.1><MSH.2>^~\\&amp;</MSH.2><MSH.3><HD.1>LAB</HD.1></MSH.3><MSH.4><HD.1>HOSP</HD.1></MSH.4>"
    + "<MSH.9><MSG.1>ORU</MSG.1><MSG.2>R01</MSG.2></MSH.9><MSH.10>M1</MSH.10><MSH.11><PT.1>P</PT.1></MSH.11>"
    + "<MSH.12><VID.1>2.5.1</VID.1></MSH.12></MSH>"

/// The message of a document that must read.
func message(_ bytes: [UInt8]) throws -> HL7v2XMLMessage {
    try HL7v2XML.parse(bytes)
}

/// The error a document must give.
func failure(_ bytes: [UInt8], limits: HL7Limits = .default) -> HL7v2XMLError? {
    do {
        _ = try HL7v2XML.parse(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// Maps a message with the default tables, as the pipeline does for HL7 v2 XML.
func observations(_ read: HL7v2XMLMessage, file: String = "test.xml") throws -> FHIRReadOutput {
    let reader = HL7v2Reader(mappings: try MappingTables.defaults(), invalidPolicy: .skip, sourceFormat: .hl7v2XML)
    var out = FHIRReadOutput()
    try reader.read(read.interchange, file: file, locate: { _, segment in read.location(ofSegment: segment).map { " (\($0))" } }, into: &out)
    return out
}
