import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core context plus the peer's address (for the
/// ingest layer's record of where a document came from; never logged).
public struct TACERequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// `ip:port` of the client, or `http` when unknown.
    public let peer: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let address = source.channel.remoteAddress
        peer = address.map { "http \($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "http"
    }
}
