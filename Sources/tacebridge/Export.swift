import ArgumentParser
import TACEBridgeKit
import TACEExport
import TACEFHIRPost
import TACEModel
import TACEStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write stored assessments as NDJSON or a transaction Bundle, or send them to a FHIR server.",
        discussion: """
        Every recorded version is exported in recording order, superseded ones included (a registry sees
        each change; an amended RiskAssessment names the one it replaces). Resources shared by versions are
        written once. 'Not computed' notes (OperationOutcome) are counted, not exported.

        --post-to sends transaction Bundles of at most --batch resources to a FHIR server's base URL. They
        create conditionally by identifier (Provenance by PUT with a fixed id), so sending again creates
        nothing twice. Connection failures, 5xx and 429 are retried with growing waits; what the server
        refuses (4xx, or an entry's status) is reported per entry with its OperationOutcome issues (their
        diagnostics texts only with --show-server-diagnostics: they may quote patient data).

        Examples:
          tacebridge export --store tace.sqlite --format ndjson -o assessments.ndjson
          tacebridge export --store tace.sqlite --since 2026-11-01T00:00:00Z
          tacebridge export --store tace.sqlite --post-to https://fhir.example.org/r4 --token-file token.txt
        """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Only versions recorded at or after this instant (ISO 8601 UTC, e.g. 2026-11-01T00:00:00Z).", valueName: "instant"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("ndjson (one resource per line) or bundle (a FHIR transaction Bundle).", valueName: "ndjson|bundle"))
    var format: String = "bundle"

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Send transaction Bundles to this FHIR base URL instead of writing them.", valueName: "url"))
    var postTo: String?

    @Option(name: .long, help: ArgumentHelp("A file whose first line is the bearer token for --post-to.", valueName: "file"))
    var tokenFile: String?

    @Option(name: .long, help: "Retries per Bundle after a connection failure, 5xx or 429.")
    var retries: Int = 3

    @Option(name: .long, help: "Most stored versions per posted Bundle.")
    var batch: Int = 200

    @Flag(name: .long, help: "Include the server's OperationOutcome diagnostics texts in the report.")
    var showServerDiagnostics = false

    func validate() throws {
        guard let f = ExportFormat(rawValue: format) else { throw ValidationError("--format must be ndjson or bundle, not '\(format)'") }
        if postTo != nil && f != .bundle { throw ValidationError("--post-to sends transaction Bundles: leave --format at bundle") }
        if postTo != nil && output != nil { throw ValidationError("give --post-to or --output, not both") }
        if let since, ClinicalTime(fhir: since) == nil { throw ValidationError("--since must be an instant such as 2026-11-01T00:00:00Z") }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
    }

    func run() async throws {
        let exportFormat = ExportFormat(rawValue: format) ?? .bundle
        let sinceText = since.flatMap { ClinicalTime(fhir: $0) }.map { t in
            ClinicalTime(epochSeconds: t.epochSeconds, utcOffsetSeconds: 0, precision: .second).fhirDateTime
        }
        let timestamp = ClinicalTime(epochSeconds: Setup.clockNow().epochSeconds, utcOffsetSeconds: 0, precision: .second).fhirDateTime
        var token: String?
        if let tokenFile {
            do {
                token = String(decoding: try readWholeFile(tokenFile, limit: 64 << 10), as: UTF8.self)
                    .split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init)
            } catch {
                printError("tacebridge: error: \(error.message)")
                throw ExitCode(error.exitCode)
            }
        }
        let failed = try await withStore(storeOptions) { store -> Bool in
            var after: Int64 = 0
            var versions = 0
            var damaged = 0
            var failed = false
            if let postTo {
                let poster = FHIRPoster(baseURL: postTo, bearerToken: token, retries: retries, includeDiagnostics: showServerDiagnostics)
                var bundles = 0
                while true {
                    let page = try await store.assessments(after: after, since: sinceText, limit: batch)
                    if page.isEmpty { break }
                    var writer = ExportWriter(format: .bundle, timestamp: timestamp)
                    for a in page where !writer.add(a) { damaged += 1 }
                    after = page.last?.sequence ?? after
                    versions += page.count
                    if writer.conflictingEntries > 0 {
                        printError("tacebridge: error: \(writer.conflictingEntries) entries share a fullUrl with different content; nothing of this Bundle was sent")
                        failed = true
                        break
                    }
                    if writer.isEmpty { continue }
                    bundles += 1
                    let report = await poster.post(writer.finish())
                    let statuses = report.entryStatuses.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", ")
                    printError("bundle \(bundles): HTTP \(report.httpStatus) after \(report.attempts) attempt(s)" + (statuses.isEmpty ? "" : ": " + statuses))
                    for r in report.refused {
                        printError("  refused" + (r.entry.map { " entry \($0)" } ?? " bundle") + ": \(r.status)" + (r.issues.isEmpty ? "" : ": " + r.issues.joined(separator: "; ")))
                    }
                    if let failure = report.failure { printError("  " + failure) }
                    if !report.succeeded {
                        failed = true
                        printError("export: stopped at bundle \(bundles); versions after sequence \(page.first.map { $0.sequence - 1 } ?? after) were not sent")
                        break
                    }
                }
                printError("export: \(versions) versions in \(bundles) bundles to \(postTo)" + (damaged > 0 ? ", \(damaged) damaged rows skipped" : ""))
                return failed || damaged > 0
            }
            let sink = try OutputSink(path: output)
            var writer = ExportWriter(format: exportFormat, timestamp: timestamp)
            while true {
                let page = try await store.assessments(after: after, since: sinceText, limit: 1000)
                if page.isEmpty { break }
                for a in page where !writer.add(a) { damaged += 1 }
                after = page.last?.sequence ?? after
                versions += page.count
                if exportFormat == .ndjson { try sink.write(writer.takeLines()) }
            }
            if writer.conflictingEntries > 0 {
                sink.abandon()
                printError("tacebridge: error: \(writer.conflictingEntries) entries share a fullUrl with different content; no output written")
                return true
            }
            try sink.write(writer.finish())
            try sink.commit()
            printError("export: \(versions) versions, \(writer.resourcesWritten) resources, \(writer.notComputedSkipped) not-computed notes left out"
                       + (damaged > 0 ? ", \(damaged) damaged rows skipped" : ""))
            return damaged > 0
        }
        if failed { throw ExitCode(1) }
    }
}
