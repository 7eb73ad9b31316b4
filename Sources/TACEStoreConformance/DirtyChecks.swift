import TACEModel
import TACEStore

/// `dataVersion`, `dirtyPatients` and how `recordAssessments` makes a patient clean.
let dirtyChecks: [ConformanceCheck] = [
    ConformanceCheck("each committed unit touching a patient increases its data version; others do not change") { store in
        let (_, p1) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]]), "u1")
        let (_, p2) = try await store.store(Fixture.unit("u2", claims: [[Fixture.id("p2")]]), "u2")
        let v1 = try await store.snapshot(p1[0], "p1").dataVersion
        let v2 = try await store.snapshot(p2[0], "p2").dataVersion
        try expect(v1 > 0, "a new patient's data version is \(v1)")
        _ = try await store.store(Fixture.unit("u3", claims: [[Fixture.id("p1")]]), "u3")
        let v1b = try await store.snapshot(p1[0], "p1 again").dataVersion
        try expect(v1b > v1, "data version \(v1) did not increase (now \(v1b))")
        try expectEqual(try await store.snapshot(p2[0], "p2 again").dataVersion, v2, "untouched patient's data version")
        _ = try await store.commit([Fixture.unit("u3", claims: [[Fixture.id("p1")]])])
        try expectEqual(try await store.snapshot(p1[0], "p1 after a duplicate").dataVersion, v1b, "data version after a duplicate")
    },
    ConformanceCheck("dirty patients come oldest change first, at most limit") { store in
        let (_, a) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("a")]]), "u1")
        let (_, b) = try await store.store(Fixture.unit("u2", claims: [[Fixture.id("b")]]), "u2")
        let (_, c) = try await store.store(Fixture.unit("u3", claims: [[Fixture.id("c")]]), "u3")
        try expectEqual(try await store.dirtyPatients(limit: 10), [a[0], b[0], c[0]], "dirty patients")
        try expectEqual(try await store.dirtyPatients(limit: 2), [a[0], b[0]], "dirty patients, limit 2")
        _ = try await store.store(Fixture.unit("u4", claims: [[Fixture.id("a")]]), "u4")
        try expectEqual(try await store.dirtyPatients(limit: 10), [b[0], c[0], a[0]], "dirty patients after a changed again")
    },
    ConformanceCheck("recording at the current data version makes the patient clean until new data") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]]), "u1")
        let v = try await store.snapshot(p[0], "p1").dataVersion
        try expectEqual(try await store.recordAssessments([], patient: p[0], dataVersion: v, at: Fixture.time), .recorded, "empty record")
        try expectEqual(try await store.dirtyPatients(limit: 10), [], "dirty patients after recording")
        try expectEqual(try await store.assessments(after: 0, since: nil, limit: 10), [], "assessments after an empty record")
        _ = try await store.store(Fixture.unit("u2", claims: [[Fixture.id("p1")]]), "u2")
        try expectEqual(try await store.dirtyPatients(limit: 10), [p[0]], "dirty patients after new data")
    },
    ConformanceCheck("recording at an older data version leaves the patient dirty") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]]), "u1")
        let old = try await store.snapshot(p[0], "p1").dataVersion
        _ = try await store.store(Fixture.unit("u2", claims: [[Fixture.id("p1")]]), "u2")
        let new = try await store.snapshot(p[0], "p1 again").dataVersion
        try expectEqual(try await store.recordAssessments([Fixture.draft("p-tace", version: 1)], patient: p[0], dataVersion: old, at: Fixture.time),
                        .recorded, "record at the older version")
        try expectEqual(try await store.dirtyPatients(limit: 10), [p[0]], "dirty patients after recording an older version")
        try expectEqual(try await store.recordAssessments([], patient: p[0], dataVersion: new, at: Fixture.time), .recorded, "record at the newer version")
        try expectEqual(try await store.dirtyPatients(limit: 10), [], "dirty patients after recording the newer version")
        try expectEqual(try await store.recordAssessments([], patient: p[0], dataVersion: old, at: Fixture.time), .staleData, "late record at the older version")
        try expectEqual(try await store.dirtyPatients(limit: 10), [], "dirty patients after a late record of an older version")
    },
    ConformanceCheck("recording for an unknown patient is an error") { store in
        do {
            _ = try await store.recordAssessments([Fixture.draft("p-tace", version: 1)], patient: StoredPatientID(rawValue: 4242), dataVersion: 1, at: Fixture.time)
        } catch is StoreError {
            try expectEqual(try await store.assessments(after: 0, since: nil, limit: 10), [], "assessments after the refused record")
            return
        }
        throw fail("recordAssessments for an unknown patient did not throw StoreError")
    },
]
