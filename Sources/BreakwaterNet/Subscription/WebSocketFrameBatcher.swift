import NIOCore
import NIOWebSocket

/// Gathers the WebSocket frames decoded from one socket read into a batch, so the consumer takes them with one
/// hand-off instead of one per frame.
///
/// A batch is passed on at the end of each read (`channelReadComplete`), so frames never wait for more to arrive: a
/// quiet stream gets its partial batch at once. It is also passed on as soon as it holds ``maxFrames`` frames, or when
/// the next frame would take it beyond ``maxBytes`` (a frame larger than that travels alone). Frames keep their order,
/// control frames included. Placed after the frame aggregator, so every frame is a whole message.
final class WebSocketFrameBatcher: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = [WebSocketFrame]

    /// The most frames in one batch.
    let maxFrames: Int
    /// The most payload bytes in one batch (unless a single frame is larger).
    let maxBytes: Int
    private var batch: [WebSocketFrame] = []
    private var bytes = 0

    /// A batcher passing on at most `maxFrames` frames (at least 1) and `maxBytes` payload bytes per batch.
    init(maxFrames: Int, maxBytes: Int) {
        self.maxFrames = max(1, maxFrames)
        self.maxBytes = max(1, maxBytes)
        batch.reserveCapacity(self.maxFrames)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        let size = frame.length
        if !batch.isEmpty && bytes + size > maxBytes { pass(context: context) }
        batch.append(frame)
        bytes += size
        if batch.count >= maxFrames { pass(context: context) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        pass(context: context)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        pass(context: context)
        context.fireChannelInactive()
    }

    /// The frames decoded before a decoding error still go first, in order.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pass(context: context)
        context.fireErrorCaught(error)
    }

    /// Passes the batch on (when it holds anything) and starts a new one.
    private func pass(context: ChannelHandlerContext) {
        guard !batch.isEmpty else { return }
        let full = batch
        batch.removeAll(keepingCapacity: true)
        bytes = 0
        context.fireChannelRead(Self.wrapInboundOut(full))
    }
}
