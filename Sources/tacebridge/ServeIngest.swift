import Logging
import TACEBridgeKit
import TACEIngest

/// Opens the store and the ingest layer behind `serve`.
enum ServeIngest {
    /// TODO(integrator): return the real `IngestService` over the store named by `store` (SQLite path or
    /// postgres:// URL) once it is on main. Until then `serve` refuses to start rather than pretend to store.
    static func open(store: String, setup: Setup, logger: Logger) async throws(TACEBridgeError) -> any ClinicalIngest {
        throw TACEBridgeError(.configuration, "--store \(store): this build has no ingest service yet (IngestService is not merged)")
    }
}
