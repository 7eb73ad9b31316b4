import NIOCore
import NIOPosix
@testable import TACEMLLP

/// A test MLLP client over loopback: sends raw bytes, reads framed replies with the same decoder.
final class MLLPTestClient {
    private var iterator: NIOAsyncChannelInboundStream<MLLPInbound>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel

    private init(_ inbound: NIOAsyncChannelInboundStream<MLLPInbound>, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
                 channel: any Channel) {
        iterator = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.channel = channel
    }

    /// Connects, runs `body` with the client, then closes the connection.
    static func with<R>(port: Int, _ body: (MLLPTestClient) async throws -> R) async throws -> R {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MLLPFrameDecoder(maxFrameBytes: 1 << 20)))
                    return try NIOAsyncChannel<MLLPInbound, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(MLLPTestClient(inbound, outbound, channel: channel.channel))
        }
    }

    func send(_ bytes: [UInt8]) async throws {
        // Straight to the channel, so a following half-close cannot overtake it.
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Half-closes: no more bytes from this side, replies still readable.
    func closeOutput() async throws {
        try await channel.close(mode: .output)
    }

    func sendFramed(_ content: [UInt8]) async throws {
        try await send([0x0B] + content + [0x1C, 0x0D])
    }

    /// Reads `count` ACK frames (skipping anything else); fewer if the server closes first.
    func readACKs(_ count: Int) async throws -> [[UInt8]] {
        var acks: [[UInt8]] = []
        while acks.count < count, let event = try await iterator.next() {
            if case .message(let content) = event { acks.append(content) }
        }
        return acks
    }

    /// Reads until the server closes; returns the ACKs seen.
    func readUntilClosed() async throws -> [[UInt8]] {
        try await readACKs(.max)
    }
}

/// MSA-1 and MSA-2 of an ACK.
func msa(_ ack: [UInt8]) -> (code: String, control: String) {
    let text = String(decoding: ack, as: UTF8.self)
    guard let line = text.split(separator: "\r").first(where: { $0.hasPrefix("MSA") }) else { return ("", "") }
    let fields = line.split(separator: "|", omittingEmptySubsequences: false)
    return (fields.count > 1 ? String(fields[1]) : "", fields.count > 2 ? String(fields[2]) : "")
}
