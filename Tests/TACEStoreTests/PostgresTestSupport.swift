import Foundation
import Testing
import TACEStore
@testable import TACEStorePostgres

/// The throwaway server scripts/test.sh starts. Unset: the PostgreSQL tests fail under CI=true and are
/// skipped, visibly, on a developer machine.
enum TestPostgres {
    static var url: String? {
        let url = ProcessInfo.processInfo.environment["TACEBRIDGE_TEST_POSTGRES_URL"]
        return url?.isEmpty == false ? url : nil
    }

    /// The server URL, or nil after recording a failure (CI) or printing why the test is skipped.
    static func serverURL() -> String? {
        if let url { return url }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("TACEBRIDGE_TEST_POSTGRES_URL is not set under CI=true: the PostgreSQL tests must run (scripts/test.sh starts a server)")
        } else {
            print("SKIPPED PostgreSQL store test: TACEBRIDGE_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
        }
        return nil
    }

    /// A new empty database on the test server, dropped after `body`.
    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        guard let base = serverURL() else { return }
        let name = "tace_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        let admin = try PostgresStore(url: base)
        try await admin.executeOutsideTransaction("CREATE DATABASE \(name)")
        guard var parts = URLComponents(string: base) else { throw StoreError(operation: "test", reason: "bad test URL") }
        parts.path = "/\(name)"
        do {
            try await body(parts.string ?? base)
        } catch {
            try? await admin.executeOutsideTransaction("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try? await admin.close()
            throw error
        }
        try await admin.executeOutsideTransaction("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try await admin.close()
    }

    /// A migrated store on a new database.
    static func withStore(_ body: (PostgresStore, String) async throws -> Void) async throws {
        try await withDatabase { url in
            let store = try PostgresStore(url: url)
            do {
                try await store.migrate()
                try await body(store, url)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }
}
