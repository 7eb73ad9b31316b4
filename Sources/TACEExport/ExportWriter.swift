import TACEJSON
import TACEModel
import TACEStore

/// How `export` writes stored assessments.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// One resource per line (FHIR Bulk Data style); every resource gets an `id` (the uuid of its fullUrl).
    case ndjson
    /// A transaction Bundle ready to POST: conditional creates by identifier (re-posting creates nothing
    /// twice), Provenance by PUT with a deterministic id.
    case bundle
}

/// Turns stored assessment versions into NDJSON or a transaction Bundle. Entries shared by several
/// versions (a normalized input observation, say) are written once. OperationOutcomes ("not computed")
/// are counted, not exported: they explain a missing result and are no clinical resource.
public struct ExportWriter {
    public let format: ExportFormat
    private var json = JSONWriter(pretty: false)
    private var lines: [UInt8] = []
    /// fullUrl → digest of the resource written under it.
    private var written: [String: UInt128] = [:]
    /// Entries whose fullUrl was already written with *different* content: never silently merged (they
    /// would point one patient's references at another's resource); the caller fails the export.
    public private(set) var conflictingEntries = 0
    public private(set) var resourcesWritten = 0
    public private(set) var notComputedSkipped = 0
    public private(set) var unconditionalCreates = 0

    public init(format: ExportFormat, timestamp: String) {
        self.format = format
        if format == .bundle {
            json.beginObject()
            json.key("resourceType"); json.string("Bundle")
            json.key("type"); json.string("transaction")
            json.key("timestamp"); json.string(timestamp)
            json.key("entry"); json.beginArray()
        }
    }

    /// Whether nothing was added yet.
    public var isEmpty: Bool { resourcesWritten == 0 }

    /// Adds every entry of one stored version. Returns false if its bytes are not the JSON array the
    /// ingest layer records (a damaged row; counted by the caller).
    @discardableResult
    public mutating func add(_ assessment: StoredAssessment) -> Bool {
        guard let document = try? JSONDocument.parse(assessment.resource), document.root.kind == .array else { return false }
        for entry in document.root.elements {
            guard let fullUrl = entry["fullUrl"]?.string, let resource = entry["resource"],
                  let type = resource["resourceType"]?.string else { continue }
            if type == "OperationOutcome" {
                notComputedSkipped += 1
                continue
            }
            let digest = Self.digest(assessment.resource[resource.byteOffset..<resource.byteEndOffset])
            if let previous = written[fullUrl] {
                if previous != digest { conflictingEntries += 1 }
                continue
            }
            written[fullUrl] = digest
            let id = Self.id(fromFullUrl: fullUrl)
            switch format {
            case .ndjson:
                var line = JSONWriter(pretty: false)
                Self.write(resource, injectingID: id, into: &line)
                lines += line.takeBytes()
                lines.append(0x0A)
            case .bundle:
                json.beginObject()
                json.key("fullUrl"); json.string(fullUrl)
                json.key("resource")
                let identifier = resource["identifier"]?[0]
                if let system = identifier?["system"]?.string, let value = identifier?["value"]?.string {
                    json.raw(resource)
                    json.key("request"); json.beginObject()
                    json.key("method"); json.string("POST")
                    json.key("url"); json.string(type)
                    json.key("ifNoneExist"); json.string("identifier=" + system + "|" + value)
                    json.endObject()
                } else if type == "Provenance" {
                    Self.write(resource, injectingID: id, into: &json)
                    json.key("request"); json.beginObject()
                    json.key("method"); json.string("PUT")
                    json.key("url"); json.string("Provenance/" + id)
                    json.endObject()
                } else {
                    json.raw(resource)
                    json.key("request"); json.beginObject()
                    json.key("method"); json.string("POST")
                    json.key("url"); json.string(type)
                    json.endObject()
                    unconditionalCreates += 1
                }
                json.endObject()
            }
            resourcesWritten += 1
        }
        return true
    }

    /// The bytes written so far (NDJSON streams; a Bundle is returned whole by `finish`).
    public mutating func takeLines() -> [UInt8] {
        defer { lines.removeAll(keepingCapacity: true) }
        return lines
    }

    public mutating func finish() -> [UInt8] {
        switch format {
        case .ndjson:
            return takeLines()
        case .bundle:
            json.endArray()
            json.endObject()
            return json.takeBytes()
        }
    }

    static func digest(_ bytes: ArraySlice<UInt8>) -> UInt128 { StableID(bytes: bytes).value }

    /// `urn:uuid:8f…` → `8f…` (a valid FHIR id: 36 characters of hex digits and dashes).
    static func id(fromFullUrl fullUrl: String) -> String {
        if fullUrl.hasPrefix("urn:uuid:") { return String(fullUrl.dropFirst(9)) }
        return "tb-" + StableID([fullUrl]).hex  // a deterministic id for any other fullUrl
    }

    /// The resource with `id` placed after `resourceType` (replacing an id it had).
    static func write(_ resource: JSONValue, injectingID id: String, into json: inout JSONWriter) {
        json.beginObject()
        for (key, value) in resource.members {
            if key == "id" { continue }
            json.key(key); json.raw(value)
            if key == "resourceType" { json.key("id"); json.string(id) }
        }
        json.endObject()
    }
}
