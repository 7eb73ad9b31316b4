import TACEModel
import TACEStore

/// Claim resolution: new patients, existing ones by any identifier, identifiers added, conflicts.
let claimChecks: [ConformanceCheck] = [
    ConformanceCheck("a claim with unknown identifiers makes a new patient with all of them") { store in
        let ids = [Fixture.id("b"), Fixture.id("a"), Fixture.id("c", system: nil), Fixture.id("a", system: "urn:other")]
        let (_, patients) = try await store.store(Fixture.unit("u", claims: [ids]), "unit")
        try expectEqual(patients.count, 1, "patients of one claim")
        let snapshot = try await store.snapshot(patients[0], "new patient")
        try expectEqual(snapshot.identifiers, ids.sorted(), "identifiers (sorted)")
        for id in ids {
            try expectEqual(try await store.patients(with: id), patients, "patients with one of the identifiers")
        }
    },
    ConformanceCheck("an identifier without system differs from one with an empty system") { store in
        let outcomes = try await store.commit([
            Fixture.unit("u1", claims: [[Fixture.id("x", system: nil)]]),
            Fixture.unit("u2", claims: [[Fixture.id("x", system: "")]]),
        ])
        let (_, p1) = try outcomes[0].stored("u1")
        let (_, p2) = try outcomes[1].stored("u2")
        try expect(p1 != p2, "no system and empty system resolved to the same patient")
        try expectEqual(try await store.snapshot(p1[0], "p1").identifiers, [Fixture.id("x", system: nil)], "identifiers of the first")
    },
    ConformanceCheck("a claim sharing any identifier resolves to the stored patient and adds its new identifiers") { store in
        let (_, first) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("a"), Fixture.id("b")]]), "u1")
        let (_, second) = try await store.store(Fixture.unit("u2", claims: [[Fixture.id("b")]]), "u2")
        try expectEqual(second, first, "patient of a claim by the second identifier")
        let (_, third) = try await store.store(Fixture.unit("u3", claims: [[Fixture.id("c"), Fixture.id("a")]]), "u3")
        try expectEqual(third, first, "patient of a claim by a new and a known identifier")
        try expectEqual(try await store.snapshot(first[0], "patient").identifiers,
                        [Fixture.id("a"), Fixture.id("b"), Fixture.id("c")], "identifiers after the addition")
        try expectEqual(try await store.patients(with: Fixture.id("c")), first, "patients with the added identifier")
    },
    ConformanceCheck("a later unit of a batch resolves to a patient made earlier in the batch") { store in
        let outcomes = try await store.commit([
            Fixture.unit("u1", claims: [[Fixture.id("a")]]),
            Fixture.unit("u2", claims: [[Fixture.id("b"), Fixture.id("a")]]),
        ])
        let (_, p1) = try outcomes[0].stored("u1")
        let (_, p2) = try outcomes[1].stored("u2")
        try expectEqual(p2, p1, "patient of the second unit")
        try expectEqual(try await store.patients(with: Fixture.id("b")), p1, "patients with the identifier added in the batch")
    },
    ConformanceCheck("claims of one unit map to patients in claim order") { store in
        let (_, existing) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("known")]]), "u1")
        let (_, patients) = try await store.store(
            Fixture.unit("u2", claims: [[Fixture.id("new")], [Fixture.id("known")]],
                         observations: [Fixture.observation("r-new", patient: 0), Fixture.observation("r-known", patient: 1)]), "u2")
        try expectEqual(patients.count, 2, "patients of two claims")
        try expectEqual(patients[1], existing[0], "second claim's patient")
        try expect(patients[0] != existing[0], "the new claim resolved to the known patient")
        try expectEqual(try await store.currentKeys(patients[0]), ["r-new"], "observations of the first claim's patient")
        try expectEqual(try await store.currentKeys(existing[0]), ["r-known"], "observations of the second claim's patient")
    },
    ConformanceCheck("claims of one unit that share an identifier are one patient") { store in
        let (_, patients) = try await store.store(
            Fixture.unit("u", claims: [[Fixture.id("a")], [Fixture.id("a"), Fixture.id("b")]]), "unit")
        try expectEqual(patients.count, 2, "patients of two claims")
        try expectEqual(patients[1], patients[0], "patient of the second claim")
        try expectEqual(try await store.patients(with: Fixture.id("a")), [patients[0]], "patients with the shared identifier")
        try expectEqual(try await store.snapshot(patients[0], "patient").identifiers, [Fixture.id("a"), Fixture.id("b")], "identifiers")
    },
    ConformanceCheck("a claim matching two patients is a conflict and writes nothing of the unit") { store in
        let (_, p1) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("a")]], observations: [Fixture.observation("r1")]), "u1")
        let (_, p2) = try await store.store(Fixture.unit("u2", claims: [[Fixture.id("b")]], observations: [Fixture.observation("r2")]), "u2")
        let before1 = try await store.snapshot(p1[0], "p1 before")
        let before2 = try await store.snapshot(p2[0], "p2 before")
        let conflicting = Fixture.unit("u3", claims: [[Fixture.id("fresh")], [Fixture.id("a"), Fixture.id("c"), Fixture.id("b")]],
                                       observations: [Fixture.observation("r1", patient: 1, supersedes: true),
                                                      Fixture.observation("r3", patient: 0)],
                                       replaces: [Fixture.key("u1")])
        try expectEqual(try await store.commit([conflicting]), [.patientConflict(claim: 1)], "outcome")
        try expectEqual(try await store.snapshot(p1[0], "p1 after"), before1, "first patient after the conflict")
        try expectEqual(try await store.snapshot(p2[0], "p2 after"), before2, "second patient after the conflict")
        try expectEqual(try await store.patients(with: Fixture.id("c")), [], "patients with the conflicting claim's new identifier")
        try expectEqual(try await store.patients(with: Fixture.id("fresh")), [], "patients of the unit's other claim")
        // The key was not stored: the same key commits once the conflict is gone.
        let retried = Fixture.unit("u3", claims: [[Fixture.id("a")]])
        _ = try await store.store(retried, "the conflicting unit's key afterwards")
    },
    ConformanceCheck("a conflict in a batch leaves the other units of the batch alone") { store in
        _ = try await store.commit([Fixture.unit("u1", claims: [[Fixture.id("a")]]), Fixture.unit("u2", claims: [[Fixture.id("b")]])])
        let outcomes = try await store.commit([
            Fixture.unit("u3", claims: [[Fixture.id("c")]]),
            Fixture.unit("u4", claims: [[Fixture.id("a"), Fixture.id("b")]]),
            Fixture.unit("u5", claims: [[Fixture.id("c")]]),
        ])
        let (_, p3) = try outcomes[0].stored("u3")
        try expectEqual(outcomes[1], .patientConflict(claim: 0), "u4")
        let (_, p5) = try outcomes[2].stored("u5")
        try expectEqual(p5, p3, "patient of u5")
    },
]
