import TACEModel
import TACEStore

/// Corrections (`supersedesEarlier`), out-of-order arrival and whole-unit replacement (`replacesUnits`).
let supersessionChecks: [ConformanceCheck] = [
    ConformanceCheck("a superseding observation hides earlier ones of the same patient and result key only") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")], [Fixture.id("p2")]],
                                                        observations: [Fixture.observation("r1", patient: 0), Fixture.observation("r2", patient: 0),
                                                                       Fixture.observation("r1", patient: 1)]), "u1")
        _ = try await store.store(Fixture.unit("u2", claims: [[Fixture.id("p1")]], observations: [Fixture.observation("r1")]), "u2")
        let correction = Fixture.observation("r1", supersedes: true, payload: [42])
        _ = try await store.store(Fixture.unit("u3", claims: [[Fixture.id("p1")]], observations: [correction]), "u3")
        let current = try await store.snapshot(p[0], "p1").observations
        try expectEqual(current.map(\.resultKey), ["r2", "r1"], "current result keys of the first patient")
        try expectEqual(current.last?.payload ?? [], [42], "payload of the current r1")
        try expectEqual(try await store.currentKeys(p[1]), ["r1"], "the other patient's observation with the same key")
    },
    ConformanceCheck("a second correction supersedes the first") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]], observations: [Fixture.observation("r1", payload: [1])]), "u1")
        _ = try await store.store(Fixture.unit("u2", claims: [[Fixture.id("p1")]], observations: [Fixture.observation("r1", supersedes: true, payload: [2])]), "u2")
        _ = try await store.store(Fixture.unit("u3", claims: [[Fixture.id("p1")]], observations: [Fixture.observation("r1", supersedes: true, payload: [3])]), "u3")
        try expectEqual(try await store.snapshot(p[0], "p1").observations.map(\.payload), [[3]], "current payloads")
    },
    ConformanceCheck("a correction within the same unit supersedes the unit's earlier observation") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]],
                                                        observations: [Fixture.observation("r1", payload: [1]),
                                                                       Fixture.observation("r1", supersedes: true, payload: [2])]), "u1")
        try expectEqual(try await store.snapshot(p[0], "p1").observations.map(\.payload), [[2]], "current payloads")
    },
    ConformanceCheck("an original arriving after its correction is stored already superseded") { store in
        let (_, p) = try await store.store(Fixture.unit("corr", claims: [[Fixture.id("p1")]],
                                                        observations: [Fixture.observation("r1", supersedes: true, payload: [2])]), "correction")
        let versionBefore = try await store.snapshot(p[0], "before").dataVersion
        let (_, q) = try await store.store(Fixture.unit("orig", claims: [[Fixture.id("p1")]],
                                                        observations: [Fixture.observation("r1", payload: [1]), Fixture.observation("r9")]), "original")
        try expectEqual(q, p, "patient of the late original")
        let after = try await store.snapshot(p[0], "after")
        try expectEqual(after.observations.map(\.payload), [[2], Array("payload r9".utf8)], "current payloads")
        try expect(after.dataVersion > versionBefore, "data version did not increase for the late original")
    },
    ConformanceCheck("replacing a unit supersedes all of its observations, also of other patients") { store in
        let (_, p) = try await store.store(Fixture.unit("doc1", claims: [[Fixture.id("p1")], [Fixture.id("p2")]],
                                                        observations: [Fixture.observation("a", patient: 0), Fixture.observation("b", patient: 1)],
                                                        kind: .cda), "doc1")
        _ = try await store.store(Fixture.unit("other", claims: [[Fixture.id("p1")]], observations: [Fixture.observation("c")]), "other")
        let p2Before = try await store.snapshot(p[1], "p2 before").dataVersion
        _ = try await store.store(Fixture.unit("doc2", claims: [[Fixture.id("p1")]], observations: [Fixture.observation("a2")],
                                               replaces: [Fixture.key("doc1", .cda)], kind: .cda), "doc2")
        try expectEqual(try await store.currentKeys(p[0]), ["c", "a2"], "first patient's current observations")
        let p2After = try await store.snapshot(p[1], "p2 after")
        try expectEqual(p2After.observations.map(\.resultKey), [], "second patient's current observations")
        try expect(p2After.dataVersion > p2Before, "the replaced unit's other patient did not change data version")
    },
    ConformanceCheck("replacing an unknown unit is harmless") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]], observations: [Fixture.observation("r1")],
                                                        replaces: [Fixture.key("never-seen"), Fixture.key("u1", .fhir)]), "u1")
        try expectEqual(try await store.currentKeys(p[0]), ["r1"], "observations")
    },
]
