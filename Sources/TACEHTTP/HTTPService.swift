import Hummingbird
import Logging
import TACEIngest
import TACEMappings
import TACEMetrics
import TACEModel
import TACEScoring

/// How the HTTP server listens and whom it lets in.
public struct HTTPServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// When set, every route but `/health` and `/metrics` needs `Authorization: Bearer <token>`.
    /// When nil, nothing is checked (the `serve` command warns).
    public var bearerToken: String?
    /// Largest request body accepted (413 above).
    public var maxBodyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, bearerToken: String? = nil, maxBodyBytes: Int = 64 << 20) {
        self.host = host
        self.port = port
        self.bearerToken = bearerToken
        self.maxBodyBytes = maxBodyBytes
    }
}

/// The HTTP side of `tacebridge serve`: FHIR REST, CDS Hooks, health and Prometheus metrics, on Hummingbird.
public enum HTTPService {
    /// The router with every route and middleware (also what the tests drive).
    public static func router(configuration: HTTPServiceConfiguration, ingest: any ClinicalIngest, metrics: ServiceMetrics,
                              mappings: MappingTables, scoring: ScoringConfiguration,
                              now: @escaping @Sendable () -> ClinicalTime, logger: Logger) -> Router<TACERequestContext> {
        let router = Router(context: TACERequestContext.self)
        router.add(middleware: AccessLogMiddleware(metrics: metrics, logger: logger))
        if let token = configuration.bearerToken {
            router.add(middleware: BearerAuthMiddleware(token: token))
        }
        router.get("/health") { _, _ in
            FHIRResponse.json(Array(#"{"status":"pass"}"#.utf8), contentType: "application/health+json")
        }
        router.get("/metrics") { _, _ in
            FHIRResponse.json(Array(metrics.prometheusText().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        FHIRRoutes(ingest: ingest, maxBodyBytes: configuration.maxBodyBytes, authenticated: configuration.bearerToken != nil,
                   logger: logger).register(on: router)
        let cds = CDSPTACEService(mappings: mappings, configuration: scoring, now: now)
        router.get("/cds-services") { _, _ in FHIRResponse.json(CDSDiscovery.json(), contentType: "application/json") }
        router.post("/cds-services/p-tace") { request, _ in
            let body = try await request.body.collect(upTo: configuration.maxBodyBytes)
            let (status, json) = cds.respond(to: Array(buffer: body))
            return FHIRResponse.json(json, status: status, contentType: "application/json")
        }
        return router
    }

    /// The application: run it with `runService()` or as a `Service` in a ServiceGroup (it stops accepting
    /// and finishes in-flight requests on graceful shutdown).
    public static func application(configuration: HTTPServiceConfiguration, ingest: any ClinicalIngest, metrics: ServiceMetrics,
                                   mappings: MappingTables, scoring: ScoringConfiguration,
                                   now: @escaping @Sendable () -> ClinicalTime, logger: Logger,
                                   onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = router(configuration: configuration, ingest: ingest, metrics: metrics, mappings: mappings, scoring: scoring,
                            now: now, logger: logger)
        return Application(router: router,
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "TACEBridge"),
                           onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
                           logger: logger)
    }
}
