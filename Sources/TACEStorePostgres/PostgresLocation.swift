import Foundation
import PostgresNIO
import TACEStore

/// A `postgres://user:password@host:port/database?sslmode=…` URL turned into a client configuration.
/// `sslmode` is `disable`, `prefer` (the default) or `require`; `host` may be a percent-encoded directory
/// of a Unix socket (`postgres://user@%2Ftmp%2Fpg/db`, port from the URL or 5432).
struct PostgresLocation: Sendable {
    var configuration: PostgresClient.Configuration
    /// The URL without its password, for error texts.
    var redacted: String

    init(url: String) throws {
        let redacted = Self.redact(url)
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError(operation: "open PostgreSQL store", reason: "not a postgres:// URL: \(redacted)")
        }
        guard let host = parts.host.flatMap({ $0.removingPercentEncoding }), !host.isEmpty else {
            throw StoreError(operation: "open PostgreSQL store", reason: "no host in \(redacted)")
        }
        let user = parts.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = parts.password.flatMap { $0.removingPercentEncoding }
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let database = path.isEmpty ? nil : path.removingPercentEncoding
        let port = parts.port ?? 5432
        if host.hasPrefix("/") {
            configuration = .init(unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch parts.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
            case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
            case let other:
                throw StoreError(operation: "open PostgreSQL store", reason: "unknown sslmode '\(other)' in \(redacted)")
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        self.redacted = redacted
    }

    /// The URL with any password replaced by `***` (also when the URL does not parse).
    static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
