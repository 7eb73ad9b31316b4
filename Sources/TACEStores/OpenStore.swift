import TACEStore
import TACEStorePostgres
import TACEStoreSQLite

/// Opens and migrates the store at `location`: a `postgres://` or `postgresql://` URL selects PostgreSQL,
/// anything else is a SQLite file path (created if missing). Errors name the location without password.
public func openStore(_ location: String) async throws -> any ClinicalStore {
    let scheme = location.prefix { $0 != ":" }.lowercased()
    if location.contains("://") && (scheme == "postgres" || scheme == "postgresql") {
        let store = try PostgresStore(url: location)
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }
    do {
        return try SQLiteStore(path: location)
    } catch let error as StoreError {
        throw StoreError(operation: error.operation, reason: "\(error.reason) (\(location))")
    }
}
