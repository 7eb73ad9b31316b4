import TACEModel
import TACEStore

/// Idempotent keys, migration and the outcome list of `commit`.
let commitChecks: [ConformanceCheck] = [
    ConformanceCheck("migrate again keeps the data") { store in
        let (_, patients) = try await store.store(Fixture.unit("m1", claims: [[Fixture.id("p1")]], observations: [Fixture.observation("r1")]), "first unit")
        try await store.migrate()
        try expectEqual(try await store.currentKeys(patients[0]), ["r1"], "observations after a second migrate")
    },
    ConformanceCheck("an empty batch commits nothing") { store in
        try expectEqual(try await store.commit([]).count, 0, "outcomes of an empty batch")
    },
    ConformanceCheck("outcomes come in unit order") { store in
        let outcomes = try await store.commit([
            Fixture.unit("a", claims: [[Fixture.id("p1")]]),
            Fixture.unit("b", claims: [[Fixture.id("p2")]]),
            Fixture.unit("a", claims: [[Fixture.id("p3")]]),
        ])
        try expectEqual(outcomes.count, 3, "outcome count")
        let (a, pa) = try outcomes[0].stored("unit a")
        let (b, pb) = try outcomes[1].stored("unit b")
        try expect(a != b, "two units got the same message id")
        try expect(pa != pb, "two units with different identifiers got the same patient")
        try expectEqual(outcomes[2], .duplicate(of: a), "third unit (key of the first)")
    },
    ConformanceCheck("a key stored before is a duplicate and writes nothing") { store in
        let (first, patients) = try await store.store(Fixture.unit("k", claims: [[Fixture.id("p1")]], observations: [Fixture.observation("r1")]), "first")
        let before = try await store.snapshot(patients[0], "before")
        let again = Fixture.unit("k", claims: [[Fixture.id("p1"), Fixture.id("extra")]],
                                 observations: [Fixture.observation("r2"), Fixture.observation("r1", supersedes: true)],
                                 raw: [9, 9, 9])
        try expectEqual(try await store.commit([again]), [.duplicate(of: first)], "second commit of the key")
        try expectEqual(try await store.snapshot(patients[0], "after"), before, "patient after the duplicate")
        try expectEqual(try await store.patients(with: Fixture.id("extra")), [], "patients with the duplicate's new identifier")
        try expectSameBytes(try await store.messageRaw(first), Array("raw k".utf8), "raw bytes of the first unit")
        try expectEqual(try await store.dirtyPatients(limit: 10), [patients[0]], "dirty patients")
    },
    ConformanceCheck("a key repeated within a batch is a duplicate and writes nothing") { store in
        let outcomes = try await store.commit([
            Fixture.unit("k", claims: [[Fixture.id("p1")]], observations: [Fixture.observation("r1")]),
            Fixture.unit("k", claims: [[Fixture.id("p1"), Fixture.id("extra")]], observations: [Fixture.observation("r2")]),
        ])
        let (first, patients) = try outcomes[0].stored("first of the batch")
        try expectEqual(outcomes[1], .duplicate(of: first), "second of the batch")
        try expectEqual(try await store.currentKeys(patients[0]), ["r1"], "observations")
        try expectEqual(try await store.patients(with: Fixture.id("extra")), [], "patients with the duplicate's new identifier")
        try expectEqual(try await store.snapshot(patients[0], "patient").dataVersion, 1, "data version after one stored unit")
    },
    ConformanceCheck("the key kind is part of the key") { store in
        let outcomes = try await store.commit([
            Fixture.unit("same", claims: [[Fixture.id("p1")]], kind: .hl7v2),
            Fixture.unit("same", claims: [[Fixture.id("p1")]], kind: .fhir),
            Fixture.unit("same", claims: [[Fixture.id("p1")]], kind: .cda),
            Fixture.unit("same", claims: [[Fixture.id("p1")]], kind: .content),
        ])
        for (i, outcome) in outcomes.enumerated() { _ = try outcome.stored("unit \(i)") }
    },
    ConformanceCheck("unknown rows read as nil or empty") { store in
        try expect(try await store.patient(StoredPatientID(rawValue: 4242)) == nil, "an unknown patient is not nil")
        try expectEqual(try await store.patients(with: Fixture.id("nobody")), [], "patients with an unknown identifier")
        try expect(try await store.messageRaw(StoredMessageID(rawValue: 4242)) == nil, "an unknown message has bytes")
        try expectEqual(try await store.dirtyPatients(limit: 10), [], "dirty patients of an empty store")
        try expectEqual(try await store.currentAssessments(patient: StoredPatientID(rawValue: 4242)), [], "assessments of an unknown patient")
        try expectEqual(try await store.assessments(after: 0, since: nil, limit: 10), [], "assessments of an empty store")
        try expectEqual(try await store.deadLetters(state: nil), [], "dead letters of an empty store")
        try expect(try await store.deadLetter(DeadLetterID(rawValue: 4242)) == nil, "an unknown dead letter is not nil")
    },
    ConformanceCheck("observations keep their columns and come in commit order") { store in
        let o1 = Fixture.observation("r1", concept: .albumin, status: .preliminary)
        let o2 = Fixture.observation("r2", concept: .bilirubinTotal, status: .final)
        let o3 = Fixture.observation("r3", concept: .inr, status: .amended)
        let (_, patients) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]], observations: [o1, o2]), "u1")
        _ = try await store.store(Fixture.unit("u2", claims: [[Fixture.id("p1")]], observations: [o3]), "u2")
        try expectEqual(try await store.snapshot(patients[0], "patient").observations, [o1, o2, o3], "observations")
    },
]
