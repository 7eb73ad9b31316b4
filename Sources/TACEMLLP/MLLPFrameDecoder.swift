import NIOCore

/// What the frame decoder hands to the listener.
public enum MLLPInbound: Sendable, Equatable {
    /// A frame's content: the bytes between 0x0B and 0x1C, both excluded.
    case message([UInt8])
    /// A frame whose content was longer than the limit. Its content was discarded as it arrived (never
    /// buffered whole); `header` keeps its first line (up to `MLLPFrameDecoder.headerLimit` bytes) so an
    /// ACK can still be addressed. `length` is the content's length in bytes.
    case oversized(header: [UInt8], length: Int)
    /// Bytes outside any frame: junk before a start block, or a frame cut short by a new start block or
    /// the end of the connection.
    case discarded(Int)
}

/// Splits a TCP byte stream into MLLP frames: 0x0B, the message, 0x1C 0x0D (HL7 MLLP release 2 framing).
///
/// Tolerant where the standard's senders are often not:
/// - bytes outside a frame are skipped and reported as `.discarded`, never an error;
/// - a frame ends at 0x1C even when 0x0D does not follow (the 0x0D is consumed if it comes, in the same
///   read or a later one), so a sender that omits it still gets its ACK;
/// - a 0x0B inside a frame starts a new frame; what came before it is reported as `.discarded`.
/// A frame longer than `maxFrameBytes` becomes `.oversized` and its content is skipped up to its end
/// block: memory stays bounded by the limit whatever the sender sends.
public struct MLLPFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = MLLPInbound

    static let startBlock: UInt8 = 0x0B
    static let endBlock: UInt8 = 0x1C
    static let carriageReturn: UInt8 = 0x0D
    /// How much of an oversized frame's first line is kept for its ACK.
    public static let headerLimit = 4096

    enum State {
        /// Outside a frame; `afterEndBlock` while a 0x0D right after 0x1C is still expected.
        case between(afterEndBlock: Bool)
        /// Inside a frame whose content starts at the reader index; `scanned` bytes hold no 0x0B or 0x1C.
        case inFrame(scanned: Int)
        /// Inside an oversized frame, discarding; `length` bytes of content seen so far.
        case skipping(header: [UInt8], length: Int)
    }

    public let maxFrameBytes: Int
    var state = State.between(afterEndBlock: false)

    /// - Parameter maxFrameBytes: the largest frame content accepted, in bytes.
    public init(maxFrameBytes: Int) {
        precondition(maxFrameBytes > 0, "the frame limit is positive")
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        switch state {
        case .between(let afterEndBlock):
            if afterEndBlock, let first = buffer.readableBytesView.first {
                state = .between(afterEndBlock: false)
                if first == Self.carriageReturn {
                    buffer.moveReaderIndex(forwardBy: 1)
                    return .continue
                }
            }
            guard buffer.readableBytes > 0 else { return .needMoreData }
            if let start = Self.firstIndex(in: buffer, from: 0, where: { $0 == Self.startBlock }) {
                if start > 0 { context.fireChannelRead(wrapInboundOut(.discarded(start))) }
                buffer.moveReaderIndex(forwardBy: start + 1)
                state = .inFrame(scanned: 0)
                return .continue
            }
            let junk = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: junk)
            context.fireChannelRead(wrapInboundOut(.discarded(junk)))
            return .needMoreData

        case .inFrame(let scanned):
            guard let stop = Self.firstIndex(in: buffer, from: scanned, where: { $0 == Self.endBlock || $0 == Self.startBlock }) else {
                if buffer.readableBytes > maxFrameBytes {
                    let header = Self.header(of: buffer)
                    let length = buffer.readableBytes
                    buffer.moveReaderIndex(forwardBy: length)
                    state = .skipping(header: header, length: length)
                } else {
                    state = .inFrame(scanned: buffer.readableBytes)
                }
                return .needMoreData
            }
            let isEnd = buffer.getInteger(at: buffer.readerIndex + stop, as: UInt8.self) == Self.endBlock
            if !isEnd {
                // A new start block before this frame ended: the partial frame (and its start block) is lost.
                buffer.moveReaderIndex(forwardBy: stop + 1)
                context.fireChannelRead(wrapInboundOut(.discarded(stop + 1)))
                state = .inFrame(scanned: 0)
                return .continue
            }
            if stop > maxFrameBytes {
                let header = Self.header(of: buffer)
                context.fireChannelRead(wrapInboundOut(.oversized(header: header, length: stop)))
                buffer.moveReaderIndex(forwardBy: stop + 1)
            } else {
                let content = buffer.readBytes(length: stop) ?? []
                buffer.moveReaderIndex(forwardBy: 1)
                context.fireChannelRead(wrapInboundOut(.message(content)))
            }
            state = .between(afterEndBlock: true)
            return .continue

        case .skipping(let header, let length):
            guard let stop = Self.firstIndex(in: buffer, from: 0, where: { $0 == Self.endBlock || $0 == Self.startBlock }) else {
                let n = buffer.readableBytes
                buffer.moveReaderIndex(forwardBy: n)
                state = .skipping(header: header, length: length + n)
                return .needMoreData
            }
            let isEnd = buffer.getInteger(at: buffer.readerIndex + stop, as: UInt8.self) == Self.endBlock
            buffer.moveReaderIndex(forwardBy: stop + 1)
            // An oversized frame cut short by a new start block is still answered: its sender waits for an ACK.
            context.fireChannelRead(wrapInboundOut(.oversized(header: header, length: length + stop)))
            state = isEnd ? .between(afterEndBlock: true) : .inFrame(scanned: 0)
            return .continue
        }
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        if try decode(context: context, buffer: &buffer) == .continue { return .continue }
        // The connection ended inside a frame: nothing of it can be acknowledged any more.
        switch state {
        case .between:
            break
        case .inFrame:
            context.fireChannelRead(wrapInboundOut(.discarded(buffer.readableBytes + 1)))
        case .skipping(_, let length):
            context.fireChannelRead(wrapInboundOut(.discarded(length + buffer.readableBytes + 1)))
        }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        state = .between(afterEndBlock: false)
        return .needMoreData
    }

    /// Offset (from the reader index) of the first readable byte at or after `from` matching `predicate`.
    static func firstIndex(in buffer: ByteBuffer, from: Int, where predicate: (UInt8) -> Bool) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            var i = from
            while i < bytes.count {
                if predicate(bytes[i]) { return i }
                i += 1
            }
            return nil
        }
    }

    /// The frame content's first line (up to CR or LF), at most `headerLimit` bytes.
    static func header(of buffer: ByteBuffer) -> [UInt8] {
        buffer.withUnsafeReadableBytes { bytes -> [UInt8] in
            let limit = min(bytes.count, headerLimit)
            var end = 0
            while end < limit, bytes[end] != 0x0D, bytes[end] != 0x0A { end += 1 }
            return Array(bytes[0..<end])
        }
    }
}
