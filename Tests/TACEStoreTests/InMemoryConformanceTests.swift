import Testing
import TACEStore
import TACEStoreConformance

/// The reference store passes every clause of the contract.
@Suite struct InMemoryStoreConformance {
    @Test(arguments: ClinicalStoreConformance.checks.map(\.name))
    func keepsTheContract(_ check: String) async throws {
        let store = InMemoryStore()
        try await store.migrate()
        try await #require(ClinicalStoreConformance.check(named: check)).run(on: store)
    }
}
