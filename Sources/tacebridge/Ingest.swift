import ArgumentParser
import TACEBridgeKit
import TACEIngest
import TACEStore

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Store input in the longitudinal record, once, and recompute the assessments it changes.",
        discussion: """
        Each unit is stored once however often it is sent: an HL7 v2 message by sending application,
        facility and MSH-10; a FHIR resource by its identifier (or id) and meta.versionId; a CDA document by
        its ClinicalDocument/id. Corrections (OBX-11 C, FHIR corrected/amended, a CDA document replacing
        another) supersede what they correct. A unit that cannot be used (a unit or coded answer of a mapped
        test not understood, no patient identifier, malformed input) goes whole to the dead-letter table
        with its reason and bytes: see 'tacebridge deadletter'. Then every patient with new data is
        recomputed: an unchanged result writes nothing; a changed one is recorded as a new version whose
        RiskAssessment is 'amended' and names the one it replaces.

        Examples:
          tacebridge ingest --store tace.sqlite samples/hl7v2/ptace-labs.hl7 samples/fhir/*.json
          tacebridge ingest --store postgres://tace@db.local/tace feed/*.hl7
          tacebridge export --store tace.sqlite --format ndjson

        Exit codes: 0 all stored (or already stored), 2 some units dead-lettered, 64 usage, 66 unreadable
        file, 74 store unavailable, 78 bad mapping table or configuration.
        """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("Input files of any supported format ('-' reads standard input).", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("A folder with a site's mapping tables, merged over the defaults (see docs/mappings.md).", valueName: "dir"))
    var mappings: String?

    @OptionGroup var config: ConfigurationOptions

    @Flag(name: .long, help: "Store only; leave the recomputation to a later 'ingest' or to 'serve'.")
    var noRecompute = false

    @Flag(name: [.short, .long], help: "Print no summary on standard error.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one input file, or '-' for standard input") }
    }

    func run() async throws {
        var inputs: [(String, [UInt8])] = []
        for path in files {
            do {
                inputs.append((path, try readWholeFile(path)))
            } catch {
                printError("tacebridge: error: \(error.message)")
                throw ExitCode(error.exitCode)
            }
        }
        let deadLettered = try await withStore(storeOptions) { store in
            let service = try makeIngestService(store: store, mappings: mappings, config: config)
            var total = DocumentReceipt()
            for (path, bytes) in inputs {
                let receipt = await service.receiveDocument(bytes, name: path, from: "file:" + path)
                if let failure = receipt.failure {
                    printError("tacebridge: error: \(path): \(failure)")
                    throw ExitCode(74)
                }
                if !quiet {
                    var line = "  \(path): \(receipt.stored) stored, \(receipt.duplicates) already stored"
                    if !receipt.deadLettered.isEmpty {
                        line += ", \(receipt.deadLettered.count) dead-lettered (" + receipt.deadLettered.map { "#\($0.rawValue)" }.joined(separator: ", ") + ")"
                    }
                    printError(line)
                }
                total.stored += receipt.stored
                total.duplicates += receipt.duplicates
                total.deadLettered += receipt.deadLettered
                for (k, n) in receipt.skippedByKind { total.skippedByKind[k, default: 0] += n }
            }
            if !quiet {
                printError("ingest: \(total.stored) units stored, \(total.duplicates) already stored, \(total.deadLettered.count) dead-lettered")
                for (kind, n) in total.skippedByKind.sorted(by: { $0.key < $1.key }) { printError("  not used: \(n) \(kind)") }
                if !total.deadLettered.isEmpty { printError("  see: tacebridge deadletter list --store …") }
            }
            if !noRecompute {
                let summary = try await service.recomputeDirty(limit: .max)
                if !quiet {
                    printError("recompute: \(summary.patients) patients; assessments \(summary.created) new, \(summary.amended) amended, \(summary.unchanged) unchanged")
                }
            }
            return total.deadLettered.count
        }
        if deadLettered > 0 { throw ExitCode(2) }
    }
}
