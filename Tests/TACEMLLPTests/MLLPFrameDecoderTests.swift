import NIOCore
import NIOEmbedded
import Testing
@testable import TACEMLLP

/// Feeds `chunks` to a decoder in an EmbeddedChannel, one read each, and returns what came out.
private func decode(_ chunks: [[UInt8]], limit: Int = 64, close: Bool = false) throws -> [MLLPInbound] {
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder(maxFrameBytes: limit)))
    var out: [MLLPInbound] = []
    for chunk in chunks {
        try channel.writeInbound(ByteBuffer(bytes: chunk))
        while let item = try channel.readInbound(as: MLLPInbound.self) { out.append(item) }
    }
    if close {
        _ = try? channel.finish()
        while let item = try channel.readInbound(as: MLLPInbound.self) { out.append(item) }
    } else {
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }
    return out
}

private func framed(_ s: String) -> [UInt8] { [0x0B] + Array(s.utf8) + [0x1C, 0x0D] }
private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite("MLLP frame decoder")
struct MLLPFrameDecoderTests {
    @Test func oneFrameInOneReadGivesItsContent() throws {
        #expect(try decode([framed("MSH|a")]) == [.message(bytes("MSH|a"))])
    }

    @Test func frameSplitAcrossReadsAtEveryByteIsReassembled() throws {
        let frame = framed("MSH|^~\\&|A\rPID|1")
        for cut in 1..<frame.count {
            let out = try decode([Array(frame[..<cut]), Array(frame[cut...])])
            #expect(out == [.message(bytes("MSH|^~\\&|A\rPID|1"))], "cut at \(cut)")
        }
    }

    @Test func frameDeliveredOneByteAtATime() throws {
        let out = try decode(framed("MSH|x").map { [$0] })
        #expect(out == [.message(bytes("MSH|x"))])
    }

    @Test func severalFramesInOneReadComeOutInOrder() throws {
        let out = try decode([framed("one") + framed("two") + framed("three")])
        #expect(out == [.message(bytes("one")), .message(bytes("two")), .message(bytes("three"))])
    }

    @Test func junkBetweenFramesIsCountedAndSkipped() throws {
        let out = try decode([bytes("xx") + framed("one") + bytes("\r\njunk") + framed("two")])
        #expect(out == [.discarded(2), .message(bytes("one")), .discarded(6), .message(bytes("two"))])
    }

    @Test func junkWithoutAnyFrameIsAllDiscarded() throws {
        #expect(try decode([bytes("GET / HTTP/1.1\r\n")]) == [.discarded(16)])
    }

    @Test func endBlockWithoutCarriageReturnStillEndsTheFrame() throws {
        // The ACK must not wait for a 0x0D that a lax sender never sends.
        let out = try decode([[0x0B] + bytes("one") + [0x1C]])
        #expect(out == [.message(bytes("one"))])
    }

    @Test func endBlockWithoutCarriageReturnFollowedByNextFrame() throws {
        let out = try decode([[0x0B] + bytes("one") + [0x1C, 0x0B] + bytes("two") + [0x1C, 0x0D]])
        #expect(out == [.message(bytes("one")), .message(bytes("two"))])
    }

    @Test func carriageReturnAfterEndBlockInLaterReadIsNotJunk() throws {
        let out = try decode([[0x0B] + bytes("one") + [0x1C], [0x0D], framed("two")])
        #expect(out == [.message(bytes("one")), .message(bytes("two"))])
    }

    @Test func startBlockInsideFrameRestartsAndDiscardsThePartialFrame() throws {
        let out = try decode([[0x0B] + bytes("cut") + framed("two")])
        // "cut" (3 bytes) and its start block are lost.
        #expect(out == [.discarded(4), .message(bytes("two"))])
    }

    @Test func frameAtTheLimitIsAccepted() throws {
        let content = String(repeating: "a", count: 64)
        #expect(try decode([framed(content)], limit: 64) == [.message(bytes(content))])
    }

    @Test func frameOneByteOverTheLimitIsOversizedWithItsFirstLine() throws {
        let content = "MSH|^~\\&|S\r" + String(repeating: "a", count: 54)
        #expect(content.utf8.count == 65)
        let out = try decode([framed(content)], limit: 64)
        #expect(out == [.oversized(header: bytes("MSH|^~\\&|S"), length: 65)])
    }

    @Test func oversizedFrameInManyReadsIsSkippedAndTheNextFrameStillDecodes() throws {
        var chunks: [[UInt8]] = [[0x0B] + bytes("MSH|^~\\&|S\r")]
        for _ in 0..<50 { chunks.append([UInt8](repeating: 0x41, count: 100)) }
        chunks.append([0x1C, 0x0D] + framed("next"))
        let out = try decode(chunks, limit: 64)
        #expect(out == [.oversized(header: bytes("MSH|^~\\&|S"), length: 11 + 5000), .message(bytes("next"))])
    }

    @Test func oversizedFrameCutByNewStartBlockIsStillReported() throws {
        let out = try decode([[0x0B] + [UInt8](repeating: 0x41, count: 100), framed("next")], limit: 64)
        #expect(out == [.oversized(header: [UInt8](repeating: 0x41, count: 100), length: 100), .message(bytes("next"))])
    }

    @Test func connectionEndingInsideAFrameDiscardsIt() throws {
        let out = try decode([framed("one") + [0x0B] + bytes("half")], close: true)
        #expect(out == [.message(bytes("one")), .discarded(5)])
    }

    @Test func emptyFrameIsAnEmptyMessage() throws {
        #expect(try decode([[0x0B, 0x1C, 0x0D]]) == [.message([])])
    }
}
