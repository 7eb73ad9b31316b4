import Foundation
import Testing
import TACEStore
import TACEStores
import TACEStoreSQLite
import TACEStorePostgres

@Suite struct OpenStoreByLocation {
    @Test func aPathOpensACreatedSQLiteFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tace-open-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("new.sqlite").path
        let store = try await openStore(path)
        #expect(store is SQLiteStore)
        #expect(FileManager.default.fileExists(atPath: path))
        try await store.close()
    }

    @Test func aPostgresURLOpensPostgreSQL() async throws {
        guard let url = TestPostgres.serverURL() else { return }
        let store = try await openStore(url)
        #expect(store is PostgresStore)
        try await store.close()
        let alias = try await openStore(url.replacingOccurrences(of: "postgres://", with: "postgresql://"))
        #expect(alias is PostgresStore)
        try await alias.close()
    }

    @Test func errorsNameTheLocationWithoutPassword() async throws {
        // Nothing listens on port 1: the connection fails, and the text must not carry the password.
        do {
            let store = try await openStore("postgres://tace:s3cr3t-pw@127.0.0.1:1/tace?sslmode=disable")
            try? await store.close()
            Issue.record("opening an unreachable server succeeded")
        } catch {
            let text = String(describing: error)
            #expect(!text.contains("s3cr3t-pw"))
            #expect(text.contains("postgres://tace:***@127.0.0.1:1/tace"))
        }
        do {
            _ = try await openStore("/proc/none/x.sqlite")
            Issue.record("opening an impossible path succeeded")
        } catch {
            #expect(String(describing: error).contains("/proc/none/x.sqlite"))
        }
    }
}
