import Logging
import ServiceLifecycle
import TACEBridgeKit
import TACEIngest
import TACEStore
import TACEStores

/// Opens the store and the ingest layer behind `serve`.
enum ServeIngest {
    /// The ingest service over the store at `store` (SQLite path, created and migrated on first use, or a
    /// postgres:// URL). Errors name the location, never a password or patient data.
    static func open(store location: String, setup: Setup, logger: Logger) async throws(TACEBridgeError) -> IngestService {
        let store: any ClinicalStore
        do {
            store = try await openStore(location)
        } catch {
            throw TACEBridgeError(.configuration, "--store: \(error)")
        }
        let settings = IngestSettings(mappings: setup.mappings, scoring: setup.configuration, refractoriness: setup.refractoriness)
        return IngestService(store: store, settings: settings)
    }
}

/// Recomputes the assessments of patients with new data while the service runs (woken by commits);
/// on graceful shutdown it finishes its current pass.
struct RecomputeService: Service {
    let ingest: IngestService
    /// Seconds between passes (`--recompute-spacing`).
    var spacing: Double = 0.25

    func run() async throws {
        await withGracefulShutdownHandler {
            await ingest.recomputeContinuously(spacing: spacing)
        } onGracefulShutdown: {
            ingest.finishRecomputing()
        }
    }
}
