import TACEModel
import TACEStore

/// Dead letters: dedupe by key while open, attempts, resolution and retry failures.
let deadLetterChecks: [ConformanceCheck] = [
    ConformanceCheck("a new dead letter is open with one attempt and every field kept") { store in
        let letter = NewDeadLetter(key: Fixture.key("k1"), format: "hl7v2-er7", receivedFrom: "mllp:127.0.0.1:1", receivedAt: "2026-01-05T00:00:00Z",
                                   reason: "MSH-9 missing", location: "MSH-9", raw: [0x0B, 0x4D, 0x1C, 0x0D])
        let id = try await store.addDeadLetter(letter)
        guard let stored = try await store.deadLetter(id) else { throw fail("the new letter cannot be read") }
        try expectEqual(stored, DeadLetter(id: id, letter: letter, state: .open, attempts: 1, updatedAt: "2026-01-05T00:00:00Z", resolvedAs: nil),
                        "stored letter")
        let keyless = NewDeadLetter(key: nil, format: "unknown", receivedFrom: "file:x", receivedAt: Fixture.time, reason: "unknown format",
                                    location: nil, raw: [])
        let id2 = try await store.addDeadLetter(keyless)
        try expectEqual(try await store.deadLetter(id2)?.letter, keyless, "letter without key, location and bytes")
    },
    ConformanceCheck("the same key while open counts an attempt and keeps the newest reason and bytes") { store in
        let id = try await store.addDeadLetter(Fixture.letter(Fixture.key("k1"), reason: "first", raw: [1]))
        let other = try await store.addDeadLetter(Fixture.letter(Fixture.key("k2")))
        let newest = Fixture.letter(Fixture.key("k1"), reason: "second", raw: [2, 2], location: nil, at: "2026-01-09T00:00:00Z")
        try expectEqual(try await store.addDeadLetter(newest), id, "id of the letter seen again")
        try expect(other != id, "two keys got one letter")
        guard let stored = try await store.deadLetter(id) else { throw fail("letter gone") }
        try expectEqual(stored.attempts, 2, "attempts")
        try expectEqual(stored.letter, newest, "letter after the second arrival")
        try expectEqual(stored.updatedAt, "2026-01-09T00:00:00Z", "updatedAt")
        try expectEqual(stored.state, .open, "state")
        try expectEqual(try await store.deadLetters(state: nil).count, 2, "number of letters")
    },
    ConformanceCheck("letters without key are never merged") { store in
        let a = try await store.addDeadLetter(Fixture.letter(nil))
        let b = try await store.addDeadLetter(Fixture.letter(nil))
        try expect(a != b, "two keyless letters were merged")
    },
    ConformanceCheck("resolving records the message; the same key afterwards opens a new letter") { store in
        let (message, _) = try await store.store(Fixture.unit("fixed", claims: [[Fixture.id("p1")]]), "the retried unit")
        let id = try await store.addDeadLetter(Fixture.letter(Fixture.key("k1")))
        let other = try await store.addDeadLetter(Fixture.letter(Fixture.key("k2")))
        try await store.resolveDeadLetter(id, as: message, at: "2026-01-07T00:00:00Z")
        guard let resolved = try await store.deadLetter(id) else { throw fail("resolved letter gone") }
        try expectEqual(resolved.state, .resolved, "state")
        try expectEqual(resolved.resolvedAs, message, "resolvedAs")
        try expectEqual(resolved.updatedAt, "2026-01-07T00:00:00Z", "updatedAt")
        try expectEqual(resolved.attempts, 1, "attempts")
        let again = try await store.addDeadLetter(Fixture.letter(Fixture.key("k1")))
        try expect(again != id, "a resolved letter was reopened instead of a new one")
        try expectEqual(try await store.deadLetters(state: nil).map(\.id), [id, other, again], "all letters in id order")
        try expectEqual(try await store.deadLetters(state: .open).map(\.id), [other, again], "open letters")
        try expectEqual(try await store.deadLetters(state: .resolved).map(\.id), [id], "resolved letters")
    },
    ConformanceCheck("a retry failure counts an attempt and keeps the new reason") { store in
        let id = try await store.addDeadLetter(Fixture.letter(Fixture.key("k1"), reason: "old", location: "OBX-5"))
        try await store.recordRetryFailure(id, reason: "still bad", location: nil, at: "2026-01-08T00:00:00Z")
        guard let letter = try await store.deadLetter(id) else { throw fail("letter gone") }
        try expectEqual(letter.attempts, 2, "attempts")
        try expectEqual(letter.letter.reason, "still bad", "reason")
        try expectEqual(letter.letter.location, nil, "location")
        try expectEqual(letter.updatedAt, "2026-01-08T00:00:00Z", "updatedAt")
        try expectEqual(letter.state, .open, "state")
        try expectEqual(letter.letter.raw, [1, 2, 3], "bytes")
    },
    ConformanceCheck("resolving or retrying an unknown letter is an error") { store in
        let unknown = DeadLetterID(rawValue: 4242)
        var threw = false
        do { try await store.resolveDeadLetter(unknown, as: StoredMessageID(rawValue: 1), at: Fixture.time) } catch is StoreError { threw = true }
        try expect(threw, "resolving an unknown letter did not throw StoreError")
        threw = false
        do { try await store.recordRetryFailure(unknown, reason: "x", location: nil, at: Fixture.time) } catch is StoreError { threw = true }
        try expect(threw, "a retry failure of an unknown letter did not throw StoreError")
    },
]
