#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdTesting
import Logging
import TACEHTTP
import TACEIngest
import TACEJSON
import TACEMappings
import TACEMetrics
import TACEModel
import TACEScoring

/// Runs `body` against the service's router in memory (no socket).
func withService(_ ingest: FakeIngest, token: String? = nil, metrics: ServiceMetrics = ServiceMetrics(),
                 now: ClinicalTime = ClinicalTime(fhir: "2025-05-09T08:00:00Z")!,
                 _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let mappings = try MappingTables.defaults()
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let router = HTTPService.router(configuration: HTTPServiceConfiguration(bearerToken: token), ingest: ingest, metrics: metrics,
                                    mappings: mappings, scoring: ScoringConfiguration(), now: { now }, logger: logger)
    let app = Application(router: router, logger: logger)
    try await app.test(.router) { client in try await body(client) }
}

/// The JSON body of a response.
func json(_ response: TestResponse) throws -> JSONDocument {
    try JSONDocument.parse(Array(buffer: response.body))
}

func text(_ response: TestResponse) -> String {
    String(buffer: response.body)
}

/// The repository's samples folder, found from this file's path.
func samplePath(_ name: String) -> String {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/samples/" + name
}

func readSample(_ name: String) throws -> [UInt8] {
    guard let file = fopen(samplePath(name), "rb") else { throw SampleMissing(name: name) }
    defer { fclose(file) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n == 0 { break }
        out += chunk[0..<n]
    }
    return out
}

struct SampleMissing: Error { var name: String }
