import Logging
import NIOCore
import NIOPosix
import Synchronization
import TACEIngest
import TACEMetrics

/// How the MLLP listener listens.
public struct MLLPConfiguration: Sendable {
    /// Address to bind; 127.0.0.1 unless the site opens it on purpose.
    public var host: String
    /// Port to bind; 0 picks a free one (see `MLLPListener.port`).
    public var port: Int
    /// The largest frame content accepted; a larger frame gets AR and is skipped.
    public var maxFrameBytes: Int
    /// A connection with nothing received for this long, and no ACK owed, is closed.
    public var idleTimeout: TimeAmount
    /// On shutdown, connections still busy after this long are closed (their senders resend what was
    /// not acknowledged; resends are stored once).
    public var drainTimeout: TimeAmount
    /// Frames decoded ahead of the one being committed, per connection, before reading from that socket
    /// pauses (backpressure per connection, never global).
    public var readAheadFrames: Int

    public init(host: String = "127.0.0.1", port: Int = 2575, maxFrameBytes: Int = 4 << 20,
                idleTimeout: TimeAmount = .seconds(600), drainTimeout: TimeAmount = .seconds(30), readAheadFrames: Int = 16) {
        self.host = host
        self.port = port
        self.maxFrameBytes = maxFrameBytes
        self.idleTimeout = idleTimeout
        self.drainTimeout = drainTimeout
        self.readAheadFrames = readAheadFrames
    }
}

/// An MLLP (HL7 v2 over TCP) listener. Each frame's content goes to `ClinicalIngest.receiveHL7v2`, and the
/// ACK it returns is written back framed, in the order the frames came, one connection at a time; the
/// connections themselves run concurrently and never wait for each other (each has its own task and its
/// own read buffer; nothing locks around I/O).
///
/// Shutdown (`shutdown()`): the listening socket closes at once; every connection stops reading, finishes
/// the frames it had already read (their ACKs go out), then closes. `serve()` returns when all are closed.
public final class MLLPListener: Sendable {
    typealias Connection = NIOAsyncChannel<MLLPInbound, ByteBuffer>

    public let configuration: MLLPConfiguration
    /// The bound port (the chosen one when `configuration.port` was 0).
    public let port: Int
    private let ingest: any ClinicalIngest
    private let metrics: ServiceMetrics
    private let logger: Logger
    private let server: NIOAsyncChannel<Connection, Never>
    private let registry: ConnectionRegistry

    private init(configuration: MLLPConfiguration, port: Int, ingest: any ClinicalIngest, metrics: ServiceMetrics, logger: Logger,
                 server: NIOAsyncChannel<Connection, Never>, registry: ConnectionRegistry) {
        self.configuration = configuration
        self.port = port
        self.ingest = ingest
        self.metrics = metrics
        self.logger = logger
        self.server = server
        self.registry = registry
    }

    /// Binds the listening socket. Call `serve()` next to accept connections.
    public static func bind(configuration: MLLPConfiguration, ingest: any ClinicalIngest, metrics: ServiceMetrics = ServiceMetrics(),
                            logger: Logger = Logger(label: "tacebridge.mllp"),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> MLLPListener {
        let maxFrame = configuration.maxFrameBytes
        let idle = configuration.idleTimeout
        let readAhead = max(1, configuration.readAheadFrames)
        let registry = ConnectionRegistry()
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // A sender that half-closes after its last frame still gets its ACKs; and the drain on shutdown
            // (which half-closes our input) does not turn into a full close before the ACKs are written.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MLLPFrameDecoder(maxFrameBytes: maxFrame)))
                    try channel.pipeline.syncOperations.addHandler(MLLPIdleGuard(metrics: metrics))
                    return try registry.admit {
                        try Connection(wrappingChannelSynchronously: channel, configuration: .init(
                            backPressureStrategy: .init(lowWatermark: max(1, readAhead / 2), highWatermark: readAhead)))
                    }
                }
            }
        let port = server.channel.localAddress?.port ?? configuration.port
        return MLLPListener(configuration: configuration, port: port, ingest: ingest, metrics: metrics, logger: logger, server: server,
                            registry: registry)
    }

    /// Accepts connections until `shutdown()`, then returns once every connection has drained and closed.
    public func serve() async throws {
        logger.info("MLLP listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        try await server.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                do {
                    for try await connection in inbound {
                        group.addTask { await self.handle(connection) }
                    }
                } catch {
                    // The listening socket failed: stop accepting, and let the open connections finish.
                    logger.error("MLLP accept failed", metadata: ["error": "\(error)"])
                }
                // Connections accepted just before the listening socket closed can miss the accept stream;
                // the registry still holds them, so they are drained and closed like the others.
                for connection in registry.closeAdmission() {
                    group.addTask { await self.handle(connection) }
                }
            }
        }
        logger.info("MLLP listener closed")
    }

    /// Stops accepting, lets every connection finish the frames already read, then closes them; connections
    /// still busy after `drainTimeout` are closed anyway. Safe to call more than once, from any task.
    public func shutdown() {
        guard let channels = registry.beginShutdown() else { return }
        server.channel.close(promise: nil)
        for channel in channels { Self.stopReading(channel) }
        let deadline = configuration.drainTimeout
        server.channel.eventLoop.scheduleTask(in: deadline) { [self] in
            let left = registry.activeChannels
            if !left.isEmpty { logger.warning("MLLP drain timeout: closing busy connections", metadata: ["count": "\(left.count)"]) }
            for channel in left { channel.close(promise: nil) }
        }
    }

    /// Half-closes the connection's input: frames already decoded are still delivered, then the stream ends.
    private static func stopReading(_ channel: any Channel) {
        channel.close(mode: .input).whenFailure { _ in channel.close(promise: nil) }
    }

    private func handle(_ connection: Connection) async {
        let channel = connection.channel
        guard let draining = registry.claim(channel) else { return }  // already handled
        if draining { Self.stopReading(channel) }
        metrics.connectionOpened()
        defer {
            registry.remove(channel)
            metrics.connectionClosed()
        }
        // The peer's address goes to the ingest layer (dead letters record where a message came from); logs
        // carry only the port-less fact that a connection opened or closed.
        let peer = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown"
        logger.debug("MLLP connection opened")
        do {
            try await connection.executeThenClose { inbound, _ in
                for try await event in inbound {
                    try await process(event, peer: peer, channel: channel)
                }
            }
        } catch {
            logger.debug("MLLP connection ended with an error", metadata: ["error": "\(type(of: error))"])
        }
        logger.debug("MLLP connection closed")
    }

    private func process(_ event: MLLPInbound, peer: String, channel: any Channel) async throws {
        switch event {
        case .discarded(let count):
            metrics.increment(.mllpBytesDiscarded, by: count)
        case .message(let content):
            let started = ContinuousClock.now
            metrics.increment(.mllpMessagesReceived)
            let receipt = await ingest.receiveHL7v2(content, from: peer)
            switch receipt.outcome {
            case .stored: metrics.increment(.mllpStored)
            case .duplicate: metrics.increment(.mllpDuplicates)
            case .deadLettered: metrics.increment(.mllpDeadLettered)
            case .refused: metrics.increment(.mllpRefused)
            }
            if let reason = receipt.reason, !receipt.isAccepted {
                // Positions and codes only (ClinicalIngest's contract): safe to log.
                logger.notice("HL7 v2 message not accepted", metadata: ["reason": "\(reason)"])
            }
            try await writeFramed(receipt.ack, to: channel)
            metrics.observeACKLatency(seconds: Self.seconds(started.duration(to: .now)))
        case .oversized(let header, let length):
            let started = ContinuousClock.now
            metrics.increment(.mllpOversized)
            logger.notice("MLLP frame over the size limit", metadata: ["bytes": "\(length)", "limit": "\(configuration.maxFrameBytes)"])
            let ack = ListenerAcknowledgment.oversized(header: header, length: length, limit: configuration.maxFrameBytes)
            try await writeFramed(ack, to: channel)
            metrics.observeACKLatency(seconds: Self.seconds(started.duration(to: .now)))
        }
    }

    /// Writes one framed ACK and waits until it is handed to the socket, so that an ACK the listener counts
    /// as sent is not lost to the close that follows a drain.
    private func writeFramed(_ ack: [UInt8], to channel: any Channel) async throws {
        var buffer = channel.allocator.buffer(capacity: ack.count + 3)
        buffer.writeInteger(MLLPFrameDecoder.startBlock)
        buffer.writeBytes(ack)
        buffer.writeInteger(MLLPFrameDecoder.endBlock)
        buffer.writeInteger(MLLPFrameDecoder.carriageReturn)
        try await channel.writeAndFlush(buffer).get()
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }
}

/// Every connection from the moment it is set up (on its event loop) to its close: the listener drains and
/// closes them on shutdown even if they never reached the accept stream, and no connection is admitted
/// once shutdown began.
final class ConnectionRegistry: Sendable {
    typealias Connection = NIOAsyncChannel<MLLPInbound, ByteBuffer>

    struct ShuttingDown: Error {}

    private struct State {
        var shuttingDown = false
        var acceptClosed = false
        /// Set up, not yet picked up by a connection task.
        var unclaimed: [ObjectIdentifier: Connection] = [:]
        /// Being served.
        var active: [ObjectIdentifier: any Channel] = [:]
    }

    private let state = Mutex(State())

    /// Creates and records a connection unless shutdown began (then it throws and NIO closes the socket).
    func admit(_ make: () throws -> Connection) throws -> Connection {
        try state.withLock { s in
            guard !s.acceptClosed, !s.shuttingDown else { throw ShuttingDown() }
            let connection = try make()
            s.unclaimed[ObjectIdentifier(connection.channel)] = connection
            return connection
        }
    }

    /// Marks a connection as served. Nil when it was already claimed; else whether it must drain at once.
    func claim(_ channel: any Channel) -> Bool? {
        state.withLock { s in
            let key = ObjectIdentifier(channel)
            guard s.unclaimed.removeValue(forKey: key) != nil else { return nil }
            s.active[key] = channel
            return s.shuttingDown
        }
    }

    func remove(_ channel: any Channel) {
        _ = state.withLock { $0.active.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Starts shutdown; the channels being served (to stop reading), or nil if it had already begun.
    func beginShutdown() -> [any Channel]? {
        state.withLock { s in
            guard !s.shuttingDown else { return nil }
            s.shuttingDown = true
            return Array(s.active.values)
        }
    }

    /// No more connections are admitted; returns those set up but never claimed.
    func closeAdmission() -> [Connection] {
        state.withLock { s in
            s.acceptClosed = true
            return Array(s.unclaimed.values)
        }
    }

    var activeChannels: [any Channel] { state.withLock { Array($0.active.values) } }
}
