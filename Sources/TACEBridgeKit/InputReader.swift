#if canImport(Glibc)
import Glibc
#endif
import TACECDAReader
import TACEFHIRReader
import TACEHL7v2
import TACEHL7v2Reader
import TACEJSON
import TACEModel
import TACEXML

/// Reads input files of any supported format into a `FHIRReadOutput`, streaming NDJSON line by
/// line so memory does not grow with file size. `drain` is called after each batch so callers
/// that write as they go (convert) can empty `output.observations`.
struct InputReader {
    let fhir: FHIRReader
    var hl7v2: HL7v2Reader { HL7v2Reader(mappings: fhir.mappings, invalidPolicy: fhir.invalidPolicy) }
    var cda: CDAReader { CDAReader(mappings: fhir.mappings, invalidPolicy: fhir.invalidPolicy) }
    let progress: ProgressReporter
    /// Largest single JSON document accepted (NDJSON lines count individually).
    var maxDocumentBytes = 1 << 30
    var maxLineBytes = 256 << 20

    func read(path: String, into output: inout FHIRReadOutput,
              drain: (inout FHIRReadOutput) throws(TACEBridgeError) -> Void) throws(TACEBridgeError) {
        let file = try InputFile(path: path)
        var total: Int? = nil
        var st = stat()
        if fstat(file.fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { total = Int(st.st_size) }

        var buffer: [UInt8] = []
        // Read enough to detect the format (a pretty-printed first line is short; NDJSON lines can be long).
        while buffer.count < 4 << 20 {
            if try file.read(appendingTo: &buffer, count: 1 << 20) == 0 { break }
            if buffer.contains(0x0A) && buffer.count >= 64 << 10 { break }
        }
        let format = FormatDetector.detect(buffer, fileName: path, complete: false)
        output.report.filesRead += 1
        switch format {
        case .fhirJSON:
            while try file.read(appendingTo: &buffer, count: 4 << 20) > 0 {
                if buffer.count > maxDocumentBytes {
                    throw TACEBridgeError(.dataFormat, "\(path): a single JSON document larger than \(maxDocumentBytes >> 20) MiB; use NDJSON for bulk data (it is streamed)")
                }
                progress.update(file: path, bytes: buffer.count, total: total, resources: 0)
            }
            output.report.bytesRead += buffer.count
            let document: JSONDocument
            do {
                document = try JSONDocument.parse(buffer)
            } catch {
                throw TACEBridgeError(.dataFormat, "\(path):\(error.line):\(error.column): malformed JSON: \(error.description)")
            }
            do {
                try fhir.read(document, file: path, format: .fhirJSON, into: &output)
            } catch {
                throw TACEBridgeError(.dataFormat, error.description)
            }
            try drain(&output)
        case .fhirNDJSON:
            try readNDJSON(file: file, path: path, total: total, buffer: buffer, into: &output, drain: drain)
        case .empty:
            throw TACEBridgeError(.dataFormat, "\(path): empty input")
        case .utf16:
            throw TACEBridgeError(.dataFormat, "\(path): the file is UTF-16 encoded: UTF-16 XML (or JSON) is not supported; convert it to UTF-8")
        case .hl7v2:
            while try file.read(appendingTo: &buffer, count: 4 << 20) > 0 {
                if buffer.count > maxDocumentBytes {
                    throw TACEBridgeError(.dataFormat, "\(path): an HL7 v2 file larger than \(maxDocumentBytes >> 20) MiB; split it into smaller files")
                }
                progress.update(file: path, bytes: buffer.count, total: total, resources: 0)
            }
            output.report.bytesRead += buffer.count
            try readHL7v2(buffer, path: path, into: &output, drain: drain)
            try drain(&output)
        case .cda, .xml:
            try readWhole(file: file, path: path, total: total, buffer: &buffer, kind: "XML")
            output.report.bytesRead += buffer.count
            // A CDA root (sniffed from the bytes) goes to the CDA reader, which also reads fragments
            // that need namespace repair; a site format naming that root wins, as in classifyXML.
            if format == .cda && !siteFormatClaims(buffer) {
                try readCDA(buffer, path: path, into: &output)
            } else {
                try readXML(buffer, path: path, into: &output)
            }
            try drain(&output)
        case .unknown:
            throw TACEBridgeError(.dataFormat, "\(path): unsupported format: expected FHIR R4 JSON (a resource or Bundle), NDJSON (one resource per line), HL7 v2 ER7 messages, or XML: CDA R2 / C-CDA, HL7 v2 XML, or a format of xml-formats.csv")
        }
    }

    /// Parses a whole HL7 v2 ER7 file and maps its results, handing them to `drain` every few hundred
    /// messages (so observations do not pile up for the whole file). A parse error stops the run with
    /// its position, or with `--on-invalid skip` is counted as one invalid item for the file.
    private func readHL7v2(_ bytes: [UInt8], path: String, into output: inout FHIRReadOutput,
                           drain: (inout FHIRReadOutput) throws(TACEBridgeError) -> Void) throws(TACEBridgeError) {
        let interchange: HL7Interchange
        do {
            interchange = try HL7Parser.parse(bytes)
        } catch {
            let message = "\(path): malformed HL7 v2: \(error.description)"
            if fhir.invalidPolicy == .fail { throw TACEBridgeError(.dataFormat, message) }
            output.report.skip(SkippedItem(file: path, location: "line \(error.line), column \(error.column)", resourceType: "HL7 v2",
                                           kind: .invalidResource, detail: "malformed HL7 v2: " + error.description))
            return
        }
        let reader = hl7v2
        for (n, message) in interchange.messages.enumerated() {
            do {
                try reader.read(message, file: path, into: &output)
            } catch {
                throw TACEBridgeError(.dataFormat, error.description)
            }
            if n % 256 == 255 { try drain(&output) }
        }
    }

    /// Reads the rest of a file that is parsed whole, refusing one larger than `maxDocumentBytes`.
    private func readWhole(file: borrowing InputFile, path: String, total: Int?, buffer: inout [UInt8], kind: String) throws(TACEBridgeError) {
        while try file.read(appendingTo: &buffer, count: 4 << 20) > 0 {
            if buffer.count > maxDocumentBytes {
                throw TACEBridgeError(.dataFormat, "\(path): a \(kind) file larger than \(maxDocumentBytes >> 20) MiB; split it into smaller files")
            }
            progress.update(file: path, bytes: buffer.count, total: total, resources: 0)
        }
    }

    /// Parses a CDA document or fragment with the hardened XML parser and maps its results. A parse
    /// error (or a refused DOCTYPE, depth, size) stops the run with line and column, or with
    /// `--on-invalid skip` is counted as one invalid item for the file.
    func readCDA(_ bytes: [UInt8], path: String, into output: inout FHIRReadOutput) throws(TACEBridgeError) {
        let document: XMLDocument
        do {
            document = try CDAReader.parse(bytes)
        } catch {
            let position = error.line > 0 ? ":\(error.line):\(max(error.column, 1))" : ""
            if fhir.invalidPolicy == .fail {
                throw TACEBridgeError(.dataFormat, "\(path)\(position): XML refused: \(error.message)")
            }
            output.report.skip(SkippedItem(file: path, location: "line \(error.line), column \(error.column)", resourceType: "CDA",
                                           kind: .invalidResource, detail: "XML refused: " + error.message))
            return
        }
        do {
            try cda.read(document, file: path, into: &output)
        } catch {
            throw TACEBridgeError(.dataFormat, error.description)
        }
    }

    private func readNDJSON(file: borrowing InputFile, path: String, total: Int?, buffer initial: [UInt8],
                            into output: inout FHIRReadOutput,
                            drain: (inout FHIRReadOutput) throws(TACEBridgeError) -> Void) throws(TACEBridgeError) {
        var buffer = ReadBuffer(initial, capacity: (4 << 20) + (1 << 20))
        var lineNumber = 0
        var consumedBytes = 0
        var eof = false
        var resources = 0
        if initial.count >= 3, initial[0] == 0xEF, initial[1] == 0xBB, initial[2] == 0xBF { buffer.consume(3) }
        while true {
            // Process every complete line in the buffer (parsed from where read(2) put it).
            var lineFailure: TACEBridgeError? = nil
            let raw = buffer.bytes
            var s = 0
            while s < raw.count {
                guard let nl = memchrIndex(raw, from: s) else { break }
                lineNumber += 1
                let line = UnsafeRawBufferPointer(rebasing: raw[s..<nl])
                s = nl + 1
                if let error = handleLine(line, number: lineNumber, path: path, into: &output) {
                    lineFailure = error
                    break
                }
                resources += 1
            }
            if let lineFailure { throw lineFailure }
            consumedBytes += s
            buffer.consume(s)
            try drain(&output)
            progress.update(file: path, bytes: consumedBytes, total: total, resources: resources)
            if eof { break }
            if buffer.count > maxLineBytes {
                throw TACEBridgeError(.dataFormat, "\(path):\(lineNumber + 1): NDJSON line longer than \(maxLineBytes >> 20) MiB")
            }
            if try buffer.fill(from: file, count: 4 << 20) == 0 {
                eof = true
                if buffer.count > 0 { buffer.append(0x0A) }  // last line without newline
            }
        }
        output.report.bytesRead += consumedBytes
    }

    /// Parses and reads one NDJSON line; returns an error to stop, or nil to go on.
    private func handleLine(_ line: UnsafeRawBufferPointer, number: Int, path: String, into output: inout FHIRReadOutput) -> TACEBridgeError? {
        var end = line.count
        while end > 0, line[end - 1] == 0x0D || line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        if end == 0 { return nil }  // blank line
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(UnsafeRawBufferPointer(rebasing: line[0..<end]))
        } catch {
            let message = "\(path):\(number):\(error.column): malformed JSON on NDJSON line \(number): \(error.description)"
            if fhir.invalidPolicy == .fail { return TACEBridgeError(.dataFormat, message) }
            output.report.skip(SkippedItem(file: path, location: "line \(number)", resourceType: "?", kind: .invalidResource,
                                           detail: "malformed JSON at column \(error.column)"))
            return nil
        }
        do {
            try fhir.read(document, file: path, format: .fhirNDJSON, line: number, into: &output)
        } catch {
            if fhir.invalidPolicy == .fail { return TACEBridgeError(.dataFormat, error.description) }
            output.report.skip(SkippedItem(file: path, location: error.location, resourceType: "?", kind: .invalidResource, detail: error.reason))
        }
        return nil
    }
}

/// Index of the next newline at or after `from`, using memchr.
@inline(__always)
func memchrIndex(_ raw: UnsafeRawBufferPointer, from: Int) -> Int? {
    guard from < raw.count, let base = raw.baseAddress else { return nil }
    guard let p = memchr(base + from, 0x0A, raw.count - from) else { return nil }
    return UnsafeRawPointer(p) - base
}
