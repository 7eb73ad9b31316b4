import NIOCore
import NIOPosix
import Testing
import TACEMetrics
@testable import TACEMLLP

/// Runs a listener on a free loopback port for the body, then shuts it down and waits for it to drain.
private func withListener(ingest: FakeIngest, configuration: MLLPConfiguration = MLLPConfiguration(port: 0),
                          _ body: (MLLPListener, ServiceMetrics) async throws -> Void) async throws {
    let metrics = ServiceMetrics()
    let listener = try await MLLPListener.bind(configuration: configuration, ingest: ingest, metrics: metrics)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await listener.serve() }
        do {
            try await body(listener, metrics)
        } catch {
            listener.shutdown()
            throw error
        }
        listener.shutdown()
        try await group.waitForAll()
    }
}

@Suite("MLLP listener over loopback")
struct MLLPListenerTests {
    @Test func eachMessageGetsItsACKInOrder() async throws {
        let ingest = FakeIngest()
        try await withListener(ingest: ingest) { listener, metrics in
            try await MLLPTestClient.with(port: listener.port) { client in
                // Pipelined: all frames written before any ACK is read.
                for n in 1...20 { try await client.sendFramed(oru("C\(n)")) }
                let acks = try await client.readACKs(20)
                #expect(acks.map { msa($0).control } == (1...20).map { "C\($0)" })
                #expect(acks.allSatisfy { msa($0).code == "AA" })
            }
            #expect(metrics.value(.mllpMessagesReceived) == 20)
            #expect(metrics.value(.mllpStored) == 20)
        }
        #expect(ingest.storedCount == 20)
    }

    @Test func resendIsCountedAsDuplicateAndStillAcknowledged() async throws {
        let ingest = FakeIngest()
        try await withListener(ingest: ingest) { listener, metrics in
            try await MLLPTestClient.with(port: listener.port) { client in
                try await client.sendFramed(oru("R1"))
                try await client.sendFramed(oru("R1"))
                let acks = try await client.readACKs(2)
                #expect(acks.map { msa($0).code } == ["AA", "AA"])
            }
            #expect(metrics.value(.mllpStored) == 1)
            #expect(metrics.value(.mllpDuplicates) == 1)
        }
    }

    @Test func oversizedFrameGetsARWithERRAndTheConnectionStaysUsable() async throws {
        let ingest = FakeIngest()
        try await withListener(ingest: ingest, configuration: MLLPConfiguration(port: 0, maxFrameBytes: 512)) { listener, metrics in
            let acks = try await MLLPTestClient.with(port: listener.port) { client in
                var big = oru("BIG1")
                big += Array(repeating: UInt8(ascii: "A"), count: 10_000)
                try await client.sendFramed(big)
                try await client.sendFramed(oru("OK2"))
                return try await client.readACKs(2)
            }
            try #require(acks.count == 2)
            #expect(msa(acks[0]).code == "AR")
            #expect(msa(acks[0]).control == "BIG1", "the ACK is addressed with the MSH that was readable")
            let text = String(decoding: acks[0], as: UTF8.self)
            #expect(text.contains("ERR|||207^"))
            #expect(text.contains("limit of 512 bytes"))
            #expect(msa(acks[1]) == ("AA", "OK2"))
            #expect(metrics.value(.mllpOversized) == 1)
        }
        #expect(ingest.received.count == 1, "the oversized frame never reaches the ingest layer")
    }

    @Test func oversizedFrameWithoutMSHGetsMinimalAR() async throws {
        try await withListener(ingest: FakeIngest(), configuration: MLLPConfiguration(port: 0, maxFrameBytes: 64)) { listener, _ in
            let acks = try await MLLPTestClient.with(port: listener.port) { client in
                try await client.sendFramed(Array(repeating: UInt8(ascii: "Z"), count: 200))
                return try await client.readACKs(1)
            }
            try #require(acks.count == 1)
            #expect(msa(acks[0]).code == "AR")
            #expect(String(decoding: acks[0], as: UTF8.self).hasPrefix("MSH|^~\\&|"))
        }
    }

    @Test func malformedMessageGetsARAndConnectionStaysUsable() async throws {
        try await withListener(ingest: FakeIngest()) { listener, _ in
            let acks = try await MLLPTestClient.with(port: listener.port) { client in
                try await client.send(Array("junk".utf8))
                try await client.sendFramed(Array("not hl7 at all".utf8))
                try await client.sendFramed(oru("G1"))
                return try await client.readACKs(2)
            }
            try #require(acks.count == 2)
            #expect(msa(acks[0]).code == "AR")
            #expect(msa(acks[1]) == ("AA", "G1"))
        }
    }

    @Test func silentClientMidFrameDoesNotBlockOtherConnections() async throws {
        let ingest = FakeIngest()
        try await withListener(ingest: ingest) { listener, _ in
            try await MLLPTestClient.with(port: listener.port) { stalled in
                try await stalled.send([0x0B] + Array("MSH|^~\\&|HALF".utf8))  // never finished
                let clients = try await withThrowingTaskGroup(of: [String].self) { group in
                    for c in 0..<5 {
                        group.addTask {
                            try await MLLPTestClient.with(port: listener.port) { client in
                                for n in 0..<50 { try await client.sendFramed(oru("K\(c)-\(n)")) }
                                return try await client.readACKs(50).map { msa($0).code }
                            }
                        }
                    }
                    var all: [[String]] = []
                    for try await codes in group { all.append(codes) }
                    return all
                }
                #expect(clients.count == 5)
                #expect(clients.allSatisfy { $0.count == 50 && $0.allSatisfy { $0 == "AA" } })
            }
        }
        #expect(ingest.storedCount == 250)
    }

    @Test func shutdownFinishesTheMessageInFlightThenCloses() async throws {
        let ingest = FakeIngest(delay: .milliseconds(300))
        let metrics = ServiceMetrics()
        let listener = try await MLLPListener.bind(configuration: MLLPConfiguration(port: 0), ingest: ingest, metrics: metrics)
        async let serving: Void = listener.serve()
        try await MLLPTestClient.with(port: listener.port) { client in
            try await MLLPTestClient.with(port: listener.port) { idle in
                try await client.sendFramed(oru("D1"))
                // Let the frame reach the ingest layer and both connections be served (a connection still in
                // the kernel's accept queue when the socket closes is reset, not drained), then shut down while
                // the frame is being committed.
                while metrics.value(.mllpMessagesReceived) == 0 || metrics.openConnections < 2 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                listener.shutdown()
                let acks = try await client.readUntilClosed()
                #expect(acks.map { msa($0).code } == ["AA"], "the in-flight message's ACK goes out before the close")
                #expect(try await idle.readUntilClosed().isEmpty, "an idle connection is closed")
            }
        }
        try await serving
        #expect(ingest.storedCount == 1)
        // No new connection is accepted.
        await #expect(throws: (any Error).self) {
            _ = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: listener.port).get()
        }
    }

    @Test func senderThatHalfClosesAfterItsLastFrameStillGetsTheACKs() async throws {
        try await withListener(ingest: FakeIngest(delay: .milliseconds(50))) { listener, _ in
            let acks = try await MLLPTestClient.with(port: listener.port) { client in
                try await client.sendFramed(oru("H1"))
                try await client.sendFramed(oru("H2"))
                try await client.closeOutput()
                return try await client.readUntilClosed()
            }
            #expect(acks.map { msa($0).control } == ["H1", "H2"])
        }
    }

    @Test func idleConnectionIsClosedAfterTheTimeout() async throws {
        try await withListener(ingest: FakeIngest(), configuration: MLLPConfiguration(port: 0, idleTimeout: .milliseconds(200))) { listener, metrics in
            let acks = try await MLLPTestClient.with(port: listener.port) { client in
                try await client.sendFramed(oru("I1"))
                return try await client.readUntilClosed()
            }
            #expect(acks.count == 1)
            #expect(metrics.value(.mllpConnectionsIdleClosed) == 1)
        }
    }

    @Test func slowCommitIsNotMistakenForAnIdleClient() async throws {
        let ingest = FakeIngest(delay: .milliseconds(600))
        try await withListener(ingest: ingest, configuration: MLLPConfiguration(port: 0, idleTimeout: .milliseconds(200))) { listener, _ in
            let acks = try await MLLPTestClient.with(port: listener.port) { client in
                try await client.sendFramed(oru("S1"))
                return try await client.readACKs(1)
            }
            #expect(acks.map { msa($0).code } == ["AA"])
        }
    }
}
