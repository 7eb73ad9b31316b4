import ArgumentParser
import TACEBridgeKit
import TACEIngest
import TACEStore

struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadletter",
        abstract: "List, show and retry the inputs the store could not use.",
        discussion: """
        A dead letter keeps the unit's bytes exactly as received, the reason (codes, units and positions:
        never patient values) and how often it was refused. After fixing the cause (usually a row in a
        site's mapping tables), 'retry' reads the bytes again with the tables as they are now.

        Examples:
          tacebridge deadletter list --store tace.sqlite
          tacebridge deadletter show 12 --store tace.sqlite --raw > letter-12.hl7
          tacebridge deadletter retry 12 --store tace.sqlite --mappings site/
          tacebridge deadletter retry --all --store tace.sqlite --mappings site/
        """,
        subcommands: [List.self, Show.self, Retry.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per dead letter: id, state, attempts, format, source, reason.")
        @OptionGroup var storeOptions: StoreOptions
        @Flag(name: .long, help: "Also list resolved letters.")
        var all = false

        func run() async throws {
            try await withStore(storeOptions) { store in
                let letters = try await store.deadLetters(state: all ? nil : .open)
                print("id\tstate\tattempts\tupdated\tformat\tfrom\treason\tlocation")
                for l in letters {
                    print("\(l.id.rawValue)\t\(l.state.rawValue)\t\(l.attempts)\t\(l.updatedAt)\t\(l.letter.format)\t\(l.letter.receivedFrom)\t\(l.letter.reason)\t\(l.letter.location ?? "")")
                }
                if letters.isEmpty { printError(all ? "no dead letters" : "no open dead letters") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Details of one dead letter; --raw writes its bytes as received (they hold patient data).")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "The dead letter's id.") var id: Int64
        @Flag(name: .long, help: "Write the letter's bytes to standard output instead of its details.")
        var raw = false

        func run() async throws {
            try await withStore(storeOptions) { store in
                guard let l = try await store.deadLetter(DeadLetterID(rawValue: id)) else {
                    printError("tacebridge: error: dead letter #\(id) does not exist")
                    throw ExitCode(66)
                }
                if raw {
                    let sink = try OutputSink(path: nil)
                    try sink.write(l.letter.raw)
                    try sink.commit()
                    return
                }
                print("id:         \(l.id.rawValue)")
                print("state:      \(l.state.rawValue)" + (l.resolvedAs.map { " (stored as \($0))" } ?? ""))
                print("attempts:   \(l.attempts)")
                print("received:   \(l.letter.receivedAt) from \(l.letter.receivedFrom)")
                print("updated:    \(l.updatedAt)")
                print("format:     \(l.letter.format)")
                print("key:        \(l.letter.key.map { $0.kind.rawValue } ?? "none (unreadable)")")
                print("reason:     \(l.letter.reason)")
                print("location:   \(l.letter.location ?? "-")")
                print("bytes:      \(l.letter.raw.count) (show them with --raw)")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read dead letters again with the current tables; store those that can now be used, then recompute.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Dead letter ids.") var ids: [Int64] = []
        @Flag(name: .long, help: "Retry every open dead letter.") var all = false
        @Option(name: .long, help: ArgumentHelp("A folder with a site's mapping tables, merged over the defaults.", valueName: "dir"))
        var mappings: String?
        @OptionGroup var config: ConfigurationOptions

        func validate() throws {
            if ids.isEmpty && !all { throw ValidationError("give dead letter ids, or --all") }
            if !ids.isEmpty && all { throw ValidationError("give ids or --all, not both") }
        }

        func run() async throws {
            let stillFailing = try await withStore(storeOptions) { store in
                let service = try makeIngestService(store: store, mappings: mappings, config: config)
                let targets = all ? try await store.deadLetters(state: .open).map(\.id) : ids.map { DeadLetterID(rawValue: $0) }
                var failing = 0
                for id in targets {
                    switch try await service.retry(id) {
                    case .stored(let units, let duplicates):
                        printError("#\(id.rawValue): stored (\(units) units, \(duplicates) already stored)")
                    case .stillFailing(let reason):
                        failing += 1
                        printError("#\(id.rawValue): still refused: \(reason)")
                    case .alreadyResolved:
                        printError("#\(id.rawValue): already resolved")
                    }
                }
                let summary = try await service.recomputeDirty(limit: .max)
                printError("recompute: \(summary.patients) patients; assessments \(summary.created) new, \(summary.amended) amended, \(summary.unchanged) unchanged")
                return failing
            }
            if stillFailing > 0 { throw ExitCode(2) }
        }
    }
}
