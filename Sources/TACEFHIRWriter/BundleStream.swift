import TACEJSON
import TACEModel

/// The Bundle types TACEBridge writes.
public enum OutputBundleType: String, Sendable, CaseIterable {
    /// Everything (results, OperationOutcomes, Provenance) for reading or archiving.
    case collection
    /// Only the resources to store, as conditional creates, ready to POST to a FHIR server.
    case transaction
}

/// How an entry is sent in a transaction Bundle.
public enum EntryRequest: Sendable {
    /// `POST <type>` with `ifNoneExist: identifier=<system>|<value>` (conditional create: idempotent).
    case conditionalCreate(type: String, identifierSystem: String, identifierValue: String)
    /// `PUT <type>/<id>` (idempotent update-as-create for resources without an identifier element, e.g. Provenance).
    case put(type: String, id: String)
}

/// Writes a FHIR Bundle entry by entry, so output can be streamed in chunks with flat memory.
public struct BundleStreamWriter {
    public let type: OutputBundleType
    private(set) var json: JSONWriter
    /// Ids already written: fullUrls must be unique in a Bundle (bdl-7). 16 bytes per entry.
    private var written = Set<UInt128>()
    public private(set) var entryCount = 0

    /// Whether to skip an entry whose id was already written. Writers whose ids are unique by
    /// construction (convert) turn it off so memory does not grow with the number of entries.
    public let deduplicates: Bool

    public init(type: OutputBundleType, timestamp: ClinicalTime, pretty: Bool = true, deduplicates: Bool = true) {
        self.type = type
        self.deduplicates = deduplicates
        json = JSONWriter(pretty: pretty)
        json.beginObject()
        json.key(.resourceType); json.string("Bundle")
        json.key(.type); json.string(type.rawValue)
        json.key(.timestamp); json.string(timestamp.fhirDateTime)
    }

    /// Whether an entry with this id was already written.
    public func contains(_ id: StableID) -> Bool { written.contains(id.value) }

    /// Appends one entry with fullUrl `urn:uuid:<id>`, once per id; `request` is evaluated and used only in
    /// transaction Bundles (building it formats the identifier, which a collection Bundle does not need).
    public mutating func entry(id: StableID, request: @autoclosure () -> EntryRequest?, resource: (inout JSONWriter) -> Void) {
        if deduplicates { guard written.insert(id.value).inserted else { return } }
        if entryCount == 0 { json.key(.entry); json.beginArray() }  // FHIR JSON forbids an empty array
        entryCount += 1
        json.beginObject()
        json.key(.fullUrl)
        id.withUTF8(.urnUUID) { json.string(utf8: $0) }
        json.key(.resource)
        resource(&json)
        if type == .transaction, let request = request() {
            json.key(.request); json.beginObject()
            switch request {
            case .conditionalCreate(let t, let system, let value):
                json.key(.method); json.string("POST")
                json.key(.url); json.string(t)
                json.key(.ifNoneExist); json.string("identifier=" + system + "|" + value)
            case .put(let t, let id):
                json.key(.method); json.string("PUT")
                json.key(.url); json.string(t + "/" + id)
            }
            json.endObject()
        }
        json.endObject()
    }

    /// Bytes written so far (call between entries to stream).
    public mutating func takeBytes() -> [UInt8] { json.takeBytes() }

    /// Hands the bytes written so far to `body` without copying them, then clears them (call between
    /// entries to stream; see `JSONWriter.drainBytes`).
    public mutating func drainBytes<E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        try json.drainBytes(body)
    }

    /// Closes the Bundle and returns the remaining bytes.
    public mutating func finish() -> [UInt8] {
        if entryCount > 0 { json.endArray() }
        json.endObject()
        var bytes = json.takeBytes()
        bytes.append(0x0A)
        return bytes
    }
}
