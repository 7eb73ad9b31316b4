import Hummingbird

/// Requires `Authorization: Bearer <token>` with the configured token on every route except the open
/// ones (`/health` and `/metrics`: they carry no patient data and monitoring systems poll them without
/// credentials). The token is compared in constant time. Without a valid token: 401 with
/// `WWW-Authenticate: Bearer realm="tacebridge"` and an OperationOutcome, and the request is not handled.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    let openPaths: Set<String>

    init(token: String, openPaths: Set<String> = ["/health", "/metrics"]) {
        self.token = Array(token.utf8)
        self.openPaths = openPaths
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if openPaths.contains(request.uri.path) { return try await next(request, context) }
        guard let header = request.headers[.authorization], Self.accepts(header, token: token) else {
            var response = FHIRResponse.operationOutcome(status: .unauthorized, code: "login",
                                                         diagnostics: "a valid bearer token is required")
            let realm = request.uri.path.hasPrefix("/cds-services") ? "tacebridge-cds" : "tacebridge"
            response.headers[.wwwAuthenticate] = "Bearer realm=\"\(realm)\""
            return response
        }
        return try await next(request, context)
    }

    /// Whether `header` is `Bearer <token>` (scheme case-insensitive).
    static func accepts(_ header: String, token: [UInt8]) -> Bool {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count,
              zip(bytes.prefix(scheme.count), scheme).allSatisfy({ ($0 | 0x20) == $1 }) else { return false }
        return constantTimeEquals(Array(bytes.dropFirst(scheme.count)), token)
    }

    /// Compares every byte whatever the first difference, so the time taken does not tell how much of a
    /// guess was right. (The length is not secret.)
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
