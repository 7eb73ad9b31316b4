import NIOCore
import TACEMetrics

/// Closes a connection after the idle timeout, but only when no message on it is waiting for its ACK:
/// a slow commit is not an idle client. Sits between the frame decoder and the listener, counting frames
/// in (messages and oversized frames each get exactly one ACK) and ACKs out.
final class MLLPIdleGuard: ChannelDuplexHandler {
    typealias InboundIn = MLLPInbound
    typealias InboundOut = MLLPInbound
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var awaitingACK = 0
    private let metrics: ServiceMetrics?

    init(metrics: ServiceMetrics?) {
        self.metrics = metrics
    }

    /// Frames passed on whose ACK has not been written yet (tests).
    var pending: Int { awaitingACK }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .message, .oversized: awaitingACK += 1
        case .discarded: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if awaitingACK > 0 { awaitingACK -= 1 }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, awaitingACK == 0 {
            metrics?.increment(.mllpConnectionsIdleClosed)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
