import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Logging
import ServiceLifecycle
import TACEBridgeKit
import TACEHTTP
import TACEIngest
import TACEMLLP
import TACEMetrics
import NIOCore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the service: an MLLP listener for HL7 v2 feeds and an HTTP server (FHIR REST, CDS Hooks, health, metrics).",
        discussion: """
        MLLP (HL7 v2 over TCP, port --mllp-port): each frame (0x0B … 0x1C 0x0D) is one message. Its ACK is
        AA only once the message is committed to the store (or was already: a resend is stored once), AE
        with ERR when it was kept in the dead-letter table or the store failed (resend later), AR with ERR
        when it is not HL7 v2 or the frame is over --max-frame-bytes. ACKs go back in the order the frames
        came on each connection; connections are independent, so a slow or silent sender blocks nobody.
        Bytes outside frames are skipped and counted. Idle connections close after --idle-timeout seconds.

        HTTP (port --http-port):
          POST /fhir                              a transaction or collection Bundle in
          GET  /fhir/RiskAssessment?patient=…     system|value, or the store's patient id
          POST /fhir/Patient/{id}/$assess         recompute now, current RiskAssessments back
          GET  /fhir/metadata                     CapabilityStatement
          GET  /cds-services                      CDS Hooks discovery (service p-tace)
          POST /cds-services/p-tace               order-select / order-sign with prefetch
          GET  /health, GET /metrics              open without a token (Prometheus text format)

        Authentication: with --token-file, every HTTP route but /health and /metrics needs
        'Authorization: Bearer <the file's content>' (401 otherwise). Without it nothing is checked: keep
        --host on 127.0.0.1 then. MLLP has no authentication (as the standard): restrict it by network.

        Shutdown: SIGTERM or SIGINT stops accepting on both ports, lets every message already read finish
        (its ACK goes out) and every HTTP request in progress answer, then exits 0. A sender whose message
        was not acknowledged resends it after the restart; it is stored once.

        Logs (standard error) name methods, route patterns, statuses, latencies and error codes; never
        patient data, paths with identifiers or query strings.

        Examples:
          tacebridge serve --store /var/lib/tacebridge/store.sqlite
          tacebridge serve --store db.sqlite --mllp-port 2575 --http-port 8080 --token-file /etc/tacebridge/token
          tacebridge serve --store db.sqlite --host 0.0.0.0 --token-file token --max-frame-bytes 1048576
        """
    )

    @Option(name: .long, help: ArgumentHelp("The store: a SQLite file path (created on first use) or postgres://user@host:port/db.", valueName: "path|url"))
    var store: String

    @Option(name: .long, help: ArgumentHelp("Address both listeners bind to.", valueName: "address"))
    var host: String = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp("MLLP port (0 picks a free one, printed at start).", valueName: "port"))
    var mllpPort: Int = 2575

    @Option(name: .long, help: ArgumentHelp("HTTP port (0 picks a free one, printed at start).", valueName: "port"))
    var httpPort: Int = 8080

    @Option(name: .long, help: ArgumentHelp("A file holding the bearer token HTTP clients must send (surrounding whitespace ignored).", valueName: "file"))
    var tokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Largest MLLP frame accepted, in bytes; a larger one gets AR and is skipped.", valueName: "bytes"))
    var maxFrameBytes: Int = 4 << 20

    @Option(name: .long, help: ArgumentHelp("Close an MLLP connection after this many seconds without data (and no ACK owed).", valueName: "seconds"))
    var idleTimeout: Int = 600

    @Option(name: .long, help: ArgumentHelp("On shutdown, close MLLP connections still busy after this many seconds.", valueName: "seconds"))
    var drainTimeout: Int = 30

    @Option(name: .long, help: ArgumentHelp("TLS certificate chain (PEM). Not built into this version: see docs/service.md.", valueName: "file"))
    var tlsCert: String?

    @Option(name: .long, help: ArgumentHelp("TLS private key (PEM). Not built into this version: see docs/service.md.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .long, help: ArgumentHelp("A folder of site mapping tables merged over the defaults (see docs/mappings.md).", valueName: "dir"))
    var mappings: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait after a recompute pass before the next, so results arriving meanwhile are recomputed together (0: recompute after every commit).", valueName: "seconds"))
    var recomputeSpacing: Double = 0.25

    @OptionGroup var config: ConfigurationOptions

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String = "info"

    func validate() throws {
        for (name, port) in [("--mllp-port", mllpPort), ("--http-port", httpPort)] where !(0...65535).contains(port) {
            throw ValidationError("\(name) must be 0 to 65535, not \(port)")
        }
        if mllpPort == httpPort && mllpPort != 0 { throw ValidationError("--mllp-port and --http-port must differ") }
        if maxFrameBytes < 1024 { throw ValidationError("--max-frame-bytes must be at least 1024") }
        if idleTimeout < 1 || drainTimeout < 0 { throw ValidationError("--idle-timeout must be at least 1 and --drain-timeout not negative") }
        if !(0...60).contains(recomputeSpacing) { throw ValidationError("--recompute-spacing must be 0 to 60 seconds") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        if tlsCert != nil || tlsKey != nil {
            throw ValidationError("TLS is not built into this version of tacebridge: terminate TLS in front of it (stunnel, nginx, a service mesh) and keep --host on 127.0.0.1; see docs/service.md")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "tacebridge")
        let setup: Setup
        let token: String?
        do {
            setup = try Setup.load(mappingsDirectory: mappings, configFile: config.config, settings: config.settings)
            token = try tokenFile.map(Self.readToken)
        } catch {
            printError("tacebridge: error: \(error.message)")
            throw ExitCode(error.exitCode)
        }
        if token == nil && host != "127.0.0.1" && host != "localhost" && host != "::1" {
            logger.warning("HTTP without --token-file on a non-loopback address: anyone who can reach it can read assessments")
        }
        let ingest: IngestService
        do {
            ingest = try await ServeIngest.open(store: store, setup: setup, logger: logger)
        } catch {
            printError("tacebridge: error: \(error.message)")
            throw ExitCode(error.exitCode)
        }
        let metrics = ServiceMetrics()
        let listener = try await MLLPListener.bind(
            configuration: MLLPConfiguration(host: host, port: mllpPort, maxFrameBytes: maxFrameBytes,
                                             idleTimeout: .seconds(Int64(idleTimeout)), drainTimeout: .seconds(Int64(drainTimeout))),
            ingest: ingest, metrics: metrics, logger: Logger(label: "tacebridge.mllp"))
        printError("tacebridge: MLLP listening on \(host):\(listener.port)")
        let http = HTTPService.application(
            configuration: HTTPServiceConfiguration(host: host, port: httpPort, bearerToken: token),
            ingest: ingest, metrics: metrics, mappings: setup.mappings, scoring: setup.configuration,
            now: { Setup.clockNow() }, logger: Logger(label: "tacebridge.http"),
            onServerRunning: { port in printError("tacebridge: HTTP listening on \(host):\(port)") })
        // Services stop in reverse order: MLLP first (in-flight frames commit and are acknowledged), then
        // HTTP (requests in progress answer), then the recompute loop (its current pass completes).
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: RecomputeService(ingest: ingest, spacing: recomputeSpacing)), .init(service: http), .init(service: MLLPService(listener: listener))],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            try? await ingest.store.close()
            throw error
        }
        try? await ingest.store.close()
        printError("tacebridge: stopped")
    }

    /// The token file's content without surrounding whitespace; an empty or unreadable file is an error.
    static func readToken(_ path: String) throws(TACEBridgeError) -> String {
        let bytes = try readSmallFile(path)
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        while let c = text.first, c.isWhitespace { text = text.dropFirst() }
        while let c = text.last, c.isWhitespace { text = text.dropLast() }
        guard !text.isEmpty else { throw TACEBridgeError(.configuration, "--token-file \(path): empty") }
        guard !text.contains(where: { $0.isWhitespace }) else {
            throw TACEBridgeError(.configuration, "--token-file \(path): the token must be one word")
        }
        return String(text)
    }
}

/// The MLLP listener as a ServiceLifecycle service: graceful shutdown drains it.
struct MLLPService: Service {
    let listener: MLLPListener

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await listener.serve()
        } onGracefulShutdown: {
            listener.shutdown()
        }
    }
}

/// A small file's bytes (at most 64 KiB: a token, not a document).
func readSmallFile(_ path: String) throws(TACEBridgeError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw TACEBridgeError(.noInput, "\(path): cannot be opened") }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { throw TACEBridgeError(.noInput, "\(path): cannot be read") }
        if n == 0 { break }
        out += chunk[0..<n]
        if out.count > 65536 { throw TACEBridgeError(.configuration, "\(path): larger than 64 KiB") }
    }
    return out
}
