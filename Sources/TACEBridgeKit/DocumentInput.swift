import TACEFHIRReader
import TACEMappings

/// Reading a document already in memory (a message from a listener, an HTTP body, a dead letter's bytes)
/// the way the CLI reads a file: the same detection and the same readers.
public enum DocumentInput {
    /// The format of a complete document.
    public static func format(of bytes: [UInt8], name: String) -> DetectedFormat {
        FormatDetector.detect(bytes, fileName: name, complete: true)
    }

    /// Reads an XML document (CDA, HL7 v2 XML or a site-described format) into observations.
    /// Errors name `name` and the position, never values.
    public static func readXML(_ bytes: [UInt8], name: String, mappings: MappingTables) throws(TACEBridgeError) -> FHIRReadOutput {
        let reader = InputReader(fhir: FHIRReader(mappings: mappings, invalidPolicy: .fail), progress: ProgressReporter(enabled: false))
        var output = FHIRReadOutput()
        if format(of: bytes, name: name) == .cda && !reader.siteFormatClaims(bytes) {
            try reader.readCDA(bytes, path: name, into: &output)
        } else {
            try reader.readXML(bytes, path: name, into: &output)
        }
        return output
    }
}
