import Foundation
import Testing
import TACEModel
import TACEStore
import TACEStoreConformance
import TACEStoreSQLite

/// A fresh SQLite file in a fresh temporary directory, removed afterwards.
func withTemporarySQLiteStore(_ body: (SQLiteStore, String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tace-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("store.sqlite").path
    let store = try SQLiteStore(path: path)
    do {
        try await body(store, path)
        try await store.close()
    } catch {
        try? await store.close()
        throw error
    }
}

@Suite struct SQLiteStoreConformance {
    @Test(arguments: ClinicalStoreConformance.checks.map(\.name))
    func keepsTheContract(_ check: String) async throws {
        try await withTemporarySQLiteStore { store, _ in
            try await #require(ClinicalStoreConformance.check(named: check)).run(on: store)
        }
    }
}

@Suite struct SQLiteStoreFile {
    @Test func committedUnitsAreThereWhenTheFileIsOpenedAgain() async throws {
        try await withTemporarySQLiteStore { store, path in
            let unit = IncomingUnit(key: IngestKey(kind: .hl7v2, value: "A|B|1"), format: .hl7v2ER7, receivedFrom: "test", receivedAt: "2026-01-01T00:00:00Z",
                                    raw: [0x0B, 0x00, 0xFF, 0x1C, 0x0D],
                                    patients: [PatientClaim(identifiers: [PatientIdentifier(system: "urn:t", value: "1")])], observations: [])
            guard case .stored(let message, let patients) = try await store.commit([unit])[0] else { Issue.record("not stored"); return }
            // A second store on the same file (as another process would open it) sees the commit at once.
            let other = try SQLiteStore(path: path)
            #expect(try await other.messageRaw(message) == [0x0B, 0x00, 0xFF, 0x1C, 0x0D])
            #expect(try await other.commit([unit]) == [.duplicate(of: message)])
            #expect(try await other.patients(with: PatientIdentifier(system: "urn:t", value: "1")) == patients)
            try await other.close()
        }
    }

    @Test func theStoreIsInWALModeWithTheSchemaMigrated() async throws {
        try await withTemporarySQLiteStore { store, path in
            try await store.close()
            let header = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(20)
            // SQLite header bytes 18 and 19 are the write/read format versions: 2 means WAL.
            #expect(header.count == 20 && header[header.startIndex + 18] == 2 && header[header.startIndex + 19] == 2)
        }
    }

    @Test func anUnopenableLocationIsAStoreErrorNamingNoData() async throws {
        #expect(throws: StoreError.self) { try SQLiteStore(path: "/proc/no/such/dir/store.sqlite") }
    }
}
