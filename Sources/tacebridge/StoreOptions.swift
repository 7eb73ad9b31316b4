import ArgumentParser
import TACEBridgeKit
import TACEIngest
import TACEStore
import TACEStores

/// Where the longitudinal record lives.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store: a SQLite file (created and migrated on first use), or postgres://user@host:port/db for a PostgreSQL database shared by several instances.",
                                            valueName: "path|url"))
    var store: String

    /// Opens (and migrates) the store; errors name the location without its password.
    func open() async throws -> any ClinicalStore {
        do {
            let store = try await openStore(self.store)
            try await store.migrate()
            return store
        } catch {
            printError("tacebridge: error: cannot open the store: \(error)")
            throw ExitCode(74)
        }
    }
}

/// The ingest layer with the tables and parameters of the command line.
func makeIngestService(store: any ClinicalStore, mappings: String?, config: ConfigurationOptions) throws -> IngestService {
    let setup: Setup
    do {
        setup = try Setup.load(mappingsDirectory: mappings, configFile: config.config, settings: config.settings)
    } catch {
        printError("tacebridge: error: \(error.message)")
        throw ExitCode(error.exitCode)
    }
    let settings = IngestSettings(mappings: setup.mappings, scoring: setup.configuration, refractoriness: setup.refractoriness)
    return IngestService(store: store, settings: settings)
}

/// Closes the store whatever happens in `body`.
func withStore<T>(_ options: StoreOptions, _ body: (any ClinicalStore) async throws -> T) async throws -> T {
    let store = try await options.open()
    do {
        let result = try await body(store)
        try? await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}
