import TACEMappings

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The code systems of the `codeSystem` OIDs met in one document, each resolved once: a document
/// names the same few OIDs (LOINC, SNOMED CT, …) in every statement, and resolving one took a
/// `String` for the OID, a table lookup by `String` and the system's key for the byte lookups.
/// Holds at most `capacity` OIDs; others are resolved each time (same answers, no cache).
final class CodeSystemCache {
    struct Entry {
        /// The OID as written, without surrounding blanks (empty: no codeSystem).
        let oid: [UInt8]
        /// As `MappingTables.codeSystem(oid:)` gives it for the OID.
        let system: String?
        /// The same system for `MappingTables.lookup(_:code:)`.
        let key: CodingSystemKey
    }

    static let capacity = 16
    private var entries: [Entry] = []

    /// The entry for `oid` (trimmed bytes of a `codeSystem` attribute; empty when there is none).
    func entry(oid: UnsafeBufferPointer<UInt8>, mappings: MappingTables) -> Entry {
        for entry in entries where entry.oid.count == oid.count {
            let same = entry.oid.withUnsafeBufferPointer { own in
                own.isEmpty || memcmp(own.baseAddress!, oid.baseAddress!, own.count) == 0
            }
            if same { return entry }
        }
        let system = mappings.codeSystem(oid: String(decoding: oid, as: UTF8.self))
        var uri = system ?? ""
        let key = uri.withUTF8 { mappings.codingSystem(uri: $0) }
        let entry = Entry(oid: Array(oid), system: system, key: key)
        if entries.count < Self.capacity { entries.append(entry) }
        return entry
    }
}
