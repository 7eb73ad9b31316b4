import TACEModel
import TACEStore

/// Bytes are kept exactly: control characters, MLLP framing, NUL, invalid UTF-8, and 10 MB payloads.
let byteChecks: [ConformanceCheck] = [
    ConformanceCheck("awkward bytes round-trip exactly") { store in
        try await roundTrip(store, Fixture.awkwardBytes, label: "awkward")
    },
    ConformanceCheck("empty bytes round-trip exactly") { store in
        try await roundTrip(store, [], label: "empty")
    },
    ConformanceCheck("10 MB payloads round-trip exactly") { store in
        try await roundTrip(store, Fixture.large(10 * 1024 * 1024, seed: 7), label: "large")
    },
]

/// Stores `bytes` as a unit's raw bytes, an observation payload, an assessment resource and a dead letter,
/// and reads each back.
private func roundTrip(_ store: any ClinicalStore, _ bytes: [UInt8], label: String) async throws {
    let (message, p) = try await store.store(Fixture.unit(label, claims: [[Fixture.id("p1")]],
                                                          observations: [Fixture.observation("r1", payload: bytes)], raw: bytes), "unit")
    try expectSameBytes(try await store.messageRaw(message), bytes, "\(label) unit bytes")
    try expectSameBytes(try await store.snapshot(p[0], "patient").observations.first?.payload, bytes, "\(label) observation payload")
    _ = try await store.recordAssessments([Fixture.draft("p-tace", version: 1, resource: bytes)], patient: p[0], dataVersion: 1, at: Fixture.time)
    try expectSameBytes(try await store.currentAssessments(patient: p[0]).first?.resource, bytes, "\(label) assessment resource (current)")
    try expectSameBytes(try await store.assessments(after: 0, since: nil, limit: 1).first?.resource, bytes, "\(label) assessment resource (feed)")
    let letter = try await store.addDeadLetter(Fixture.letter(Fixture.key(label), raw: bytes))
    try expectSameBytes(try await store.deadLetter(letter)?.letter.raw, bytes, "\(label) dead letter bytes")
    try expectSameBytes(try await store.deadLetters(state: .open).first?.letter.raw, bytes, "\(label) dead letter bytes (list)")
}
