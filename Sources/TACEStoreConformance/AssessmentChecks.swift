import TACEModel
import TACEStore

/// Assessment versions: the version check, all-or-nothing conflicts, current versions and the export feed.
let assessmentChecks: [ConformanceCheck] = [
    ConformanceCheck("versions must follow the current one; a later version supersedes the earlier") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]]), "u1")
        let patient = p[0]
        try expectEqual(try await store.recordAssessments([Fixture.draft("p-tace", version: 2)], patient: patient, dataVersion: 1, at: Fixture.time),
                        .versionConflict(kind: "p-tace"), "version 2 with none recorded")
        try expectEqual(try await store.recordAssessments([Fixture.draft("p-tace", version: 1)], patient: patient, dataVersion: 1, at: Fixture.time),
                        .recorded, "version 1")
        try expectEqual(try await store.recordAssessments([Fixture.draft("p-tace", version: 1)], patient: patient, dataVersion: 1, at: Fixture.time),
                        .versionConflict(kind: "p-tace"), "version 1 again")
        try expectEqual(try await store.recordAssessments([Fixture.draft("p-tace", version: 3)], patient: patient, dataVersion: 1, at: Fixture.time),
                        .versionConflict(kind: "p-tace"), "version 3 after 1")
        try expectEqual(try await store.recordAssessments([Fixture.draft("p-tace", version: 2, fingerprint: "g")], patient: patient, dataVersion: 1,
                                                          at: "2026-01-02T00:00:00Z"), .recorded, "version 2")
        let current = try await store.currentAssessments(patient: patient)
        try expectEqual(current.count, 1, "current assessments")
        try expectEqual(current[0].version, 2, "current version")
        try expectEqual(current[0].fingerprint, "g", "current fingerprint")
        try expectEqual(current[0].resourceID, "p-tace-v2", "current resource id")
        try expectEqual(current[0].recordedAt, "2026-01-02T00:00:00Z", "current recordedAt")
        try expectEqual(current[0].isSuperseded, false, "current isSuperseded")
        try expectEqual(current[0].patient, patient, "current patient")
        let all = try await store.assessments(after: 0, since: nil, limit: 10)
        try expectEqual(all.map(\.version), [1, 2], "recorded versions")
        try expectEqual(all.map(\.isSuperseded), [true, false], "superseded flags")
    },
    ConformanceCheck("a version conflict writes nothing of the call") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]]), "u1")
        let v = try await store.snapshot(p[0], "p1").dataVersion
        _ = try await store.recordAssessments([Fixture.draft("art", version: 1)], patient: p[0], dataVersion: 0, at: Fixture.time)
        let before = try await store.assessments(after: 0, since: nil, limit: 10)
        let outcome = try await store.recordAssessments([Fixture.draft("p-tace", version: 1), Fixture.draft("art", version: 1)],
                                                        patient: p[0], dataVersion: v, at: Fixture.time)
        try expectEqual(outcome, .versionConflict(kind: "art"), "outcome")
        try expectEqual(try await store.assessments(after: 0, since: nil, limit: 10), before, "assessments after the conflict")
        try expectEqual(try await store.dirtyPatients(limit: 10), [p[0]], "dirty patients after the conflict")
    },
    ConformanceCheck("a recompute of older data than the recorded assessments writes nothing (staleData)") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]]), "u1")
        let old = try await store.snapshot(p[0], "p1").dataVersion
        _ = try await store.store(Fixture.unit("u2", claims: [[Fixture.id("p1")]]), "u2")
        let new = try await store.snapshot(p[0], "p1").dataVersion
        try expectEqual(try await store.recordAssessments([Fixture.draft("p-tace", version: 1)], patient: p[0], dataVersion: new, at: Fixture.time),
                        .recorded, "the recompute of the newer data")
        let before = try await store.assessments(after: 0, since: nil, limit: 10)
        try expectEqual(try await store.recordAssessments([Fixture.draft("p-tace", version: 2, fingerprint: "old")], patient: p[0],
                                                          dataVersion: old, at: Fixture.time), .staleData, "the late recompute of the older data")
        try expectEqual(try await store.assessments(after: 0, since: nil, limit: 10), before, "assessments after the stale write")
        try expectEqual(try await store.dirtyPatients(limit: 10), [], "dirty patients")
    },
    ConformanceCheck("current assessments hold one version per kind of that patient") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")], [Fixture.id("p2")]]), "u1")
        _ = try await store.recordAssessments([Fixture.draft("p-tace", version: 1), Fixture.draft("child-pugh", version: 1)],
                                              patient: p[0], dataVersion: 1, at: Fixture.time)
        _ = try await store.recordAssessments([Fixture.draft("p-tace", version: 1)], patient: p[1], dataVersion: 1, at: Fixture.time)
        _ = try await store.recordAssessments([Fixture.draft("p-tace", version: 2)], patient: p[0], dataVersion: 1, at: Fixture.time)
        let current = try await store.currentAssessments(patient: p[0])
        try expectEqual(current.map { "\($0.kind) v\($0.version)" }.sorted(), ["child-pugh v1", "p-tace v2"], "current of the first patient")
        try expectEqual(current.map(\.patient), [p[0], p[0]], "patients of the current assessments")
        try expectEqual(try await store.currentAssessments(patient: p[1]).map(\.version), [1], "current of the second patient")
    },
    ConformanceCheck("the export feed resumes after a sequence, filters by time, and stops at the limit") { store in
        let (_, p) = try await store.store(Fixture.unit("u1", claims: [[Fixture.id("p1")]]), "u1")
        let times = ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"]
        for (i, time) in times.enumerated() {
            _ = try await store.recordAssessments([Fixture.draft("p-tace", version: i + 1)], patient: p[0], dataVersion: 1, at: time)
        }
        let all = try await store.assessments(after: 0, since: nil, limit: 100)
        try expectEqual(all.map(\.recordedAt), times, "recordedAt in recording order")
        try expect(zip(all, all.dropFirst()).allSatisfy { $0.sequence < $1.sequence }, "sequences do not strictly increase")
        try expectEqual(try await store.assessments(after: all[1].sequence, since: nil, limit: 100), Array(all[2...]), "after the second")
        try expectEqual(try await store.assessments(after: 0, since: nil, limit: 2), Array(all[..<2]), "limit 2")
        try expectEqual(try await store.assessments(after: 0, since: times[2], limit: 100), Array(all[2...]), "since the third time (inclusive)")
        try expectEqual(try await store.assessments(after: all[2].sequence, since: times[1], limit: 100), [all[3]], "after and since together")
        try expectEqual(try await store.assessments(after: all[3].sequence, since: nil, limit: 100), [], "after the last")
        try expectSameBytes(all[0].resource, Fixture.draft("p-tace", version: 1).resource, "resource of the first version")
    },
]
