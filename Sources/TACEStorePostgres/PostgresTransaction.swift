import PostgresNIO
import TACEStore

/// Runs store methods as transactions on the client's pool, retrying those that lost a race to another
/// process (unique violation, serialization failure, deadlock): a retry reads the winner's rows.
struct PostgresTransactions: Sendable {
    let client: PostgresClient
    let logger: Logger
    let location: String
    static let maxAttempts = 30

    func run<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN ISOLATION LEVEL READ COMMITTED", logger: logger)
                    do {
                        let result = try await body(connection)
                        try await connection.query("COMMIT", logger: logger)
                        return result
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch let error as PSQLError where Self.isRetryable(error) && attempt < Self.maxAttempts {
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...5) * min(attempt, 10)))
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(operation: operation, reason: "\(Self.reason(error)) (\(location))")
            }
        }
    }

    /// 23505 unique_violation, 40001 serialization_failure, 40P01 deadlock_detected.
    static func isRetryable(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "23505" || state == "40001" || state == "40P01"
    }

    /// The server's SQLSTATE and message, never the query's bound values (they hold patient data).
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                return "PostgreSQL \(info[.sqlState] ?? "?"): \(info[.message] ?? "no message")"
            }
            return "PostgreSQL client error \(error.code)"
        }
        return String(describing: type(of: error))
    }
}

extension PostgresConnection {
    /// All rows of a query, with random access by column index.
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    func run(_ query: PostgresQuery, _ logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}

extension PostgresCell {
    func bytes() throws -> [UInt8] {
        Array(try decode(ByteBuffer.self).readableBytesView)
    }
}
