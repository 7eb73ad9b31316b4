import Foundation
import Testing
import TACEModel
import TACEStore
import TACEStoreSQLite

/// `kill -9` of a process committing batches loses none of the batches it had seen `commit` return for, and
/// leaves the batch in flight either wholly stored or wholly absent.
///
/// The committing process is this test binary again, running only `SQLiteCrashChild` with
/// `TACEBRIDGE_SQLITE_CRASH_CHILD` set to the store path; it prints `acked N` after each batch commits.
@Suite struct SQLiteStoreCrash {
    static let childVariable = "TACEBRIDGE_SQLITE_CRASH_CHILD"

    static func batch(_ n: Int) -> [IncomingUnit] {
        (0..<50).map { i in
            IncomingUnit(key: IngestKey(kind: .hl7v2, value: "CRASH|\(n)|\(i)"), format: .hl7v2ER7, receivedFrom: "crash", receivedAt: "2026-01-01T00:00:00Z",
                         raw: [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: 2000),
                         patients: [PatientClaim(identifiers: [PatientIdentifier(system: "urn:crash", value: "\(i % 10)")])],
                         observations: [ObservationRecord(patient: 0, concept: .afp, status: .final, resultKey: "\(n)-\(i)", supersedesEarlier: false,
                                                          payload: [1, 2, 3])])
        }
    }

    @Test func aCommittedBatchSurvivesKillMinus9() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tace-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path

        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "SQLiteCrashChild"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: path]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        // Read acknowledgements until ten batches are in, then kill the child mid-stream.
        let acked = try await Task.detached { () -> Int in
            var text = ""
            while !text.contains("acked 10\n") {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            text += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let numbers = text.split(separator: "\n").compactMap { line in line.hasPrefix("acked ") ? Int(line.dropFirst(6)) : nil }
            guard let last = numbers.max() else { throw StoreError(operation: "crash test", reason: "the child acknowledged nothing") }
            return last
        }.value
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(acked >= 10)

        let store = try SQLiteStore(path: path)
        for n in 0...acked {
            let outcomes = try await store.commit(Self.batch(n))
            #expect(outcomes.allSatisfy { if case .duplicate = $0 { true } else { false } }, "acknowledged batch \(n) lost")
        }
        // The batch that was in flight is all there or not at all.
        let inFlight = try await store.commit(Self.batch(acked + 1))
        let duplicates = inFlight.filter { if case .duplicate = $0 { true } else { false } }.count
        #expect(duplicates == 0 || duplicates == inFlight.count, "a batch was half committed: \(duplicates) of \(inFlight.count)")
        try await store.close()
    }
}

/// The committing child of `SQLiteStoreCrash` (only with the environment variable set; in a normal run it
/// commits a few batches and checks them, so it still tests something).
@Suite struct SQLiteCrashChild {
    @Test func commitsBatchesUntilKilled() async throws {
        guard let path = ProcessInfo.processInfo.environment[SQLiteStoreCrash.childVariable] else {
            try await withTemporarySQLiteStore { store, _ in
                for n in 0..<3 {
                    let outcomes = try await store.commit(SQLiteStoreCrash.batch(n))
                    #expect(outcomes.allSatisfy { if case .stored = $0 { true } else { false } })
                }
                #expect(try await store.dirtyPatients(limit: 100).count == 10)
            }
            return
        }
        let store = try SQLiteStore(path: path)
        for n in 0..<100_000 {
            _ = try await store.commit(SQLiteStoreCrash.batch(n))
            FileHandle.standardOutput.write(Data("acked \(n)\n".utf8))
        }
    }
}
