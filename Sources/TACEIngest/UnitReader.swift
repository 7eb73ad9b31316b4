import TACEBridgeKit
import TACECDAReader
import TACEFHIRReader
import TACEHL7v2
import TACEHL7v2Reader
import TACEJSON
import TACEMappings
import TACEModel
import TACEStore
import TACEXML

/// Splits input into the units the store commits and acknowledges as a whole, and reads each one:
/// an HL7 v2 message, a FHIR resource version (of a Bundle, a single resource or an NDJSON line),
/// a CDA document, a site-described XML document.
struct UnitReader: Sendable {
    var mappings: MappingTables
    var assembler: UnitAssembler

    init(mappings: MappingTables, policy: IngestPolicy) {
        self.mappings = mappings
        assembler = UnitAssembler(policy: policy)
    }

    // MARK: HL7 v2

    /// One parsed HL7 v2 message.
    /// `received` is the bytes as they came (an MLLP frame's content); by default the message's own segments.
    func read(_ message: HL7Message, received: [UInt8]? = nil, format: SourceFormat = .hl7v2ER7, from: String, at: String) -> UnitReading {
        let raw = received ?? Array(message.rawBytes)
        let controlID = message.header[10].string
        let key = controlID.isEmpty
            ? IngestKey(kind: .content, value: ContentHash.hex(raw))
            : IngestKey(kind: .hl7v2, value: message.header[3].string + "|" + message.header[4].string + "|" + controlID)
        let facility = message.header[4].string
        let context = UnitAssembler.Context(key: key, format: format, receivedFrom: from, receivedAt: at, raw: raw, deadLetterRaw: raw,
                                            unscopedIdentifierSystem: facility.isEmpty ? nil : "urn:tacebridge:hl7v2-facility:" + facility)
        var out = FHIRReadOutput()
        do {
            try HL7v2Reader(mappings: mappings, invalidPolicy: .fail, sourceFormat: format).read(message, file: from, into: &out)
        } catch {
            return .deadLetter(NewDeadLetter(key: key, format: format.rawValue, receivedFrom: from, receivedAt: at, reason: error.reason,
                                             location: error.location, raw: raw), skipped: [])
        }
        return assembler.assemble(context, observations: out.observations, patients: out.patients, skipped: out.report.items)
    }

    // MARK: Any document

    /// Every unit of a document of any supported format. A document that cannot be split into units at all
    /// (malformed, unsupported) is one dead letter with all its bytes.
    func read(document bytes: [UInt8], name: String, from: String, at: String) -> [UnitReading] {
        func whole(_ reason: String, _ location: String?, format: String) -> [UnitReading] {
            [.deadLetter(NewDeadLetter(key: IngestKey(kind: .content, value: ContentHash.hex(bytes)), format: format, receivedFrom: from,
                                       receivedAt: at, reason: reason, location: location, raw: bytes), skipped: [])]
        }
        switch DocumentInput.format(of: bytes, name: name) {
        case .hl7v2:
            let interchange: HL7Interchange
            do {
                interchange = try HL7Parser.parse(bytes)
            } catch {
                return whole("malformed HL7 v2: " + error.description, "line \(error.line), column \(error.column)", format: SourceFormat.hl7v2ER7.rawValue)
            }
            // Each message's bytes as they are in the file, with its last segment terminator.
            return interchange.messages.map { message in
                var end = message.byteRange.upperBound
                while end < bytes.count, bytes[end] == 0x0D || bytes[end] == 0x0A { end += 1 }
                let start = min(message.byteRange.lowerBound, end)
                return read(message, received: Array(bytes[start..<end]), from: from, at: at)
            }
        case .fhirJSON:
            let document: JSONDocument
            do {
                document = try JSONDocument.parse(bytes)
            } catch {
                return whole("malformed JSON: " + error.description, "line \(error.line), column \(error.column)", format: SourceFormat.fhirJSON.rawValue)
            }
            return readFHIR(document, bytes: bytes, line: nil, format: .fhirJSON, name: name, from: from, at: at)
        case .fhirNDJSON:
            return readNDJSON(bytes, name: name, from: from, at: at)
        case .cda, .xml:
            return readXML(bytes, name: name, from: from, at: at)
        case .utf16:
            return whole("UTF-16 text: the readers take UTF-8", nil, format: "unknown")
        case .empty:
            return whole("empty input", nil, format: "unknown")
        case .unknown:
            return whole("unsupported format: expected FHIR R4 JSON or NDJSON, HL7 v2 ER7, CDA or XML of a known format", nil, format: "unknown")
        }
    }

    private func readNDJSON(_ bytes: [UInt8], name: String, from: String, at: String) -> [UnitReading] {
        var units: [UnitReading] = []
        var lineNumber = 0
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            lineNumber += 1
            var stop = end
            while stop > start, [0x0D, 0x20, 0x09].contains(bytes[stop - 1]) { stop -= 1 }
            if stop > start {
                let line = Array(bytes[start..<stop])
                do {
                    let document = try JSONDocument.parse(line)
                    units += readFHIR(document, bytes: line, line: lineNumber, format: .fhirNDJSON, name: name, from: from, at: at)
                } catch {
                    units.append(.deadLetter(NewDeadLetter(key: IngestKey(kind: .content, value: ContentHash.hex(line)), format: SourceFormat.fhirNDJSON.rawValue,
                                                           receivedFrom: from, receivedAt: at, reason: "malformed JSON: " + error.description,
                                                           location: "line \(lineNumber), column \(error.column)", raw: line), skipped: []))
                }
            }
            start = end + 1
        }
        return units
    }

    /// The units of one FHIR JSON document: one per Bundle entry (or the single resource) that gave
    /// observations or a finding that dead-letters it.
    private func readFHIR(_ document: JSONDocument, bytes: [UInt8], line: Int?, format: SourceFormat, name: String,
                          from: String, at: String) -> [UnitReading] {
        var out = FHIRReadOutput()
        do {
            try FHIRReader(mappings: mappings, invalidPolicy: .skip).read(document, file: name, format: format, line: line, into: &out)
        } catch {
            return [.deadLetter(NewDeadLetter(key: IngestKey(kind: .content, value: ContentHash.hex(bytes)), format: format.rawValue,
                                              receivedFrom: from, receivedAt: at, reason: error.reason, location: error.location, raw: bytes),
                                skipped: [])]
        }
        // Resources by entry (-1: the document is the resource).
        let root = document.root
        var resources: [Int: JSONValue] = [:]
        if root["resourceType"]?.stringEquals("Bundle") == true, let entries = root["entry"] {
            for (i, entry) in entries.elements.enumerated() {
                if let resource = entry["resource"] { resources[i] = resource }
            }
        } else {
            resources[-1] = root
        }
        var observationsByEntry: [Int: [TypedObservation]] = [:]
        for o in out.observations { observationsByEntry[Self.entryIndex(o.source.location), default: []].append(o) }
        var skippedByEntry: [Int: [SkippedItem]] = [:]
        for item in out.report.items { skippedByEntry[Self.entryIndex(item.location), default: []].append(item) }
        let entries = Set(observationsByEntry.keys).union(skippedByEntry.filter { $0.value.contains { assembler.policy.deadLetterKinds.contains($0.kind) } }.keys)
        return entries.sorted().map { entry in
            let resource = resources[entry]
            let raw = resource.map { Array(bytes[$0.byteOffset..<$0.byteEndOffset]) } ?? bytes
            let key = resource.flatMap(Self.fhirKey) ?? IngestKey(kind: .content, value: ContentHash.hex(raw))
            var context = UnitAssembler.Context(key: key, format: format, receivedFrom: from, receivedAt: at, raw: raw, deadLetterRaw: bytes,
                                                unscopedIdentifierSystem: nil)
            context.fhirVersionId = resource?["meta"]?["versionId"]?.string
            return assembler.assemble(context, observations: observationsByEntry[entry] ?? [], patients: out.patients,
                                      skipped: skippedByEntry[entry] ?? [])
        }
    }

    /// The Bundle entry a reader location points into (`…$.entry[12].resource…`), or -1.
    static func entryIndex(_ location: String) -> Int {
        let bytes = Array(location.utf8)
        let needle = Array("$.entry[".utf8)
        guard bytes.count >= needle.count,
              let at = (0...(bytes.count - needle.count)).first(where: { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }) else { return -1 }
        var n = 0
        var sawDigit = false
        for c in bytes[(at + needle.count)...] {
            guard c >= 0x30 && c <= 0x39 else { break }
            n = n * 10 + Int(c - 0x30)
            sawDigit = true
        }
        return sawDigit ? n : -1
    }

    /// Issue 5: a FHIR resource is the same when its first identifier (system and value) or its id is,
    /// and its `meta.versionId` too.
    static func fhirKey(_ resource: JSONValue) -> IngestKey? {
        let type = resource["resourceType"]?.string ?? "?"
        var base: String? = nil
        if let identifiers = resource["identifier"] {
            for identifier in identifiers.elements {
                if let system = identifier["system"]?.string, let value = identifier["value"]?.string {
                    base = type + "|" + system + "|" + value
                    break
                }
            }
        }
        if base == nil, let id = resource["id"]?.string { base = type + "/" + id }
        guard let base else { return nil }
        let version = resource["meta"]?["versionId"]?.string.map { "|" + $0 } ?? ""
        return IngestKey(kind: .fhir, value: base + version)
    }

    // MARK: XML

    private func readXML(_ bytes: [UInt8], name: String, from: String, at: String) -> [UnitReading] {
        let isCDA = DocumentInput.format(of: bytes, name: name) == .cda
        let format: SourceFormat = isCDA ? .cda : .legacyXML
        let output: FHIRReadOutput
        do {
            output = try DocumentInput.readXML(bytes, name: name, mappings: mappings)
        } catch {
            return [.deadLetter(NewDeadLetter(key: IngestKey(kind: .content, value: ContentHash.hex(bytes)), format: format.rawValue,
                                              receivedFrom: from, receivedAt: at, reason: error.message, location: nil, raw: bytes), skipped: [])]
        }
        let ids = isCDA ? CDADocumentIDs.read(bytes) : nil
        let key = ids?.document.map { IngestKey(kind: .cda, value: $0) } ?? IngestKey(kind: .content, value: ContentHash.hex(bytes))
        let actualFormat = output.observations.first?.source.format ?? format
        var context = UnitAssembler.Context(key: key, format: actualFormat, receivedFrom: from, receivedAt: at, raw: bytes, deadLetterRaw: bytes,
                                            unscopedIdentifierSystem: nil)
        context.replacesUnits = ids?.replaces.map { IngestKey(kind: .cda, value: $0) } ?? []
        return [assembler.assemble(context, observations: output.observations, patients: output.patients, skipped: output.report.items)]
    }
}

/// `ClinicalDocument/id` and the ids of the documents it replaces (`relatedDocument typeCode="RPLC"`).
enum CDADocumentIDs {
    static let v3 = "urn:hl7-org:v3"

    static func read(_ bytes: [UInt8]) -> (document: String?, replaces: [String])? {
        guard let document = try? CDAReader.parse(bytes), let root = document.root, root.name == "ClinicalDocument" else { return nil }
        let id = root.firstElement("id", namespace: v3).flatMap(text)
        var replaces: [String] = []
        for related in root.elements where related.name == "relatedDocument" && related.attribute("typeCode") == "RPLC" {
            if let parent = related.firstElement("parentDocument", namespace: v3), let pid = parent.firstElement("id", namespace: v3).flatMap(text) {
                replaces.append(pid)
            }
        }
        return (id, replaces)
    }

    /// An II as `root^extension` (or `root`).
    static func text(_ ii: XMLNode) -> String? {
        guard let root = ii.attribute("root"), !root.isEmpty else { return nil }
        if let ext = ii.attribute("extension"), !ext.isEmpty { return root + "^" + ext }
        return root
    }
}

/// The key of a unit without a business key: the 128-bit `StableID` (FNV-1a) of its bytes, in hex. Not a
/// security hash: it only tells whether the same bytes came twice.
enum ContentHash {
    static func hex(_ bytes: [UInt8]) -> String { StableID(bytes: bytes).hex }
}
