import Testing
import TACEStore
import TACEStoreConformance
import TACEStorePostgres

@Suite struct PostgresStoreConformance {
    @Test(arguments: ClinicalStoreConformance.checks.map(\.name))
    func keepsTheContract(_ check: String) async throws {
        try await TestPostgres.withStore { store, _ in
            try await #require(ClinicalStoreConformance.check(named: check)).run(on: store)
        }
    }

    @Test func migratingASecondTimeFromAnotherInstanceChangesNothing() async throws {
        try await TestPostgres.withStore { store, url in
            let other = try PostgresStore(url: url)
            try await other.migrate()
            try await other.migrate()
            try await other.close()
        }
    }
}
