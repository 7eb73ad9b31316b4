import Testing
import TACEModel
@testable import TACEStore

@Suite struct InMemoryStoreBasics {
    @Test func sameKeyTwiceIsStoredOnce() async throws {
        let store = InMemoryStore()
        let unit = IncomingUnit(key: IngestKey(kind: .hl7v2, value: "LAB|H|1"), format: .hl7v2ER7, receivedFrom: "test",
                                receivedAt: "2026-01-01T00:00:00Z", raw: [1],
                                patients: [PatientClaim(identifiers: [PatientIdentifier(system: "urn:a", value: "1")])],
                                observations: [])
        let outcomes = try await store.commit([unit, unit])
        guard case .stored(let id, _) = outcomes[0] else { Issue.record("first not stored"); return }
        #expect(outcomes[1] == .duplicate(of: id))
    }
}
