import Foundation
import NIOCore
import NIOPosix

/// A TCP server on 127.0.0.1 that misbehaves on purpose before any WebSocket upgrade: it stays silent, closes at
/// once, or answers every request with a fixed raw HTTP response. It remembers when each connection arrived.
final class ScriptedServer: Sendable {
    enum Behaviour: Sendable {
        /// Accept and read, never answer.
        case silent
        /// Close right after accepting.
        case close
        /// Answer the first request bytes with this raw response, then close.
        case respond(String)
    }

    let channel: any Channel
    let port: Int
    let accepted: Locked<[ContinuousClock.Instant]>

    private init(channel: any Channel, port: Int, accepted: Locked<[ContinuousClock.Instant]>) {
        self.channel = channel
        self.port = port
        self.accepted = accepted
    }

    var url: String { "ws://127.0.0.1:\(port)" }

    static func start(_ behaviour: Behaviour) async throws -> ScriptedServer {
        let accepted = Locked<[ContinuousClock.Instant]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(behaviour: behaviour, accepted: accepted))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedServer(channel: channel, port: channel.localAddress?.port ?? 0, accepted: accepted)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let behaviour: Behaviour
        let accepted: Locked<[ContinuousClock.Instant]>
        var answered = false

        init(behaviour: Behaviour, accepted: Locked<[ContinuousClock.Instant]>) {
            self.behaviour = behaviour
            self.accepted = accepted
        }

        func channelActive(context: ChannelHandlerContext) {
            accepted.withLock { $0.append(.now) }
            if case .close = behaviour { context.close(promise: nil) }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .respond(let text) = behaviour, !answered else { return }
            answered = true
            let buffer = context.channel.allocator.buffer(string: text)
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
