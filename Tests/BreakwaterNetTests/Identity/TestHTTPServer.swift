import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP/1.1 server on 127.0.0.1 for identity tests: fixed replies by path, request counts and
/// the headers of the last request, so tests can see what the client really sent.
final class TestHTTPServer: Sendable {
    /// What the server answers for a path.
    enum Reply: Sendable {
        /// A status with a body and extra headers.
        case status(Int, body: [UInt8] = [], headers: [String: String] = [:])
        /// Never answers (the client must time out).
        case hang
        /// `totalBytes` of body in chunks, announced with `Content-Length` or sent chunked.
        case large(totalBytes: Int, announced: Bool)

        /// A `200` JSON body.
        static func json(_ object: Any) -> Reply {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return .status(200, body: [UInt8](data), headers: ["Content-Type": "application/json"])
        }

        /// A redirect to `location`.
        static func redirect(_ location: String) -> Reply { .status(302, headers: ["Location": location]) }
    }

    private struct State {
        var replies: [String: Reply] = [:]
        var counts: [String: Int] = [:]
        var lastHeaders: [String: String] = [:]
    }

    private let state = Mutex(State())
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    /// The bound port.
    var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }
    /// `http://127.0.0.1:PORT`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts a server with `replies`; unknown paths get `404`.
    static func start(_ replies: [String: Reply] = [:]) async throws -> TestHTTPServer {
        let server = TestHTTPServer()
        server.state.withLock { $0.replies = replies }
        let bound = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(Handler(server: server))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        server.channel.withLock { $0 = bound }
        return server
    }

    /// Sets the reply for `path`.
    func set(_ path: String, _ reply: Reply) { state.withLock { $0.replies[path] = reply } }
    /// How many requests `path` received.
    func count(_ path: String) -> Int { state.withLock { $0.counts[path] ?? 0 } }
    /// All requests received.
    var totalCount: Int { state.withLock { $0.counts.values.reduce(0, +) } }
    /// The headers (lower-cased names) of the last request.
    var lastHeaders: [String: String] { state.withLock { $0.lastHeaders } }

    /// Stops listening.
    func shutdown() async throws {
        let bound = channel.withLock { $0 }
        try await bound?.close()
    }

    fileprivate func received(_ head: HTTPRequestHead) -> Reply {
        state.withLock { state in
            state.counts[head.uri, default: 0] += 1
            state.lastHeaders = Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
            return state.replies[head.uri] ?? .status(404)
        }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: TestHTTPServer
        var reply: Reply?

        init(server: TestHTTPServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                reply = server.received(head)
            case .body:
                break
            case .end:
                guard let reply else { return }
                self.reply = nil
                respond(context: context, reply)
            }
        }

        func respond(context: ChannelHandlerContext, _ reply: Reply) {
            switch reply {
            case .hang:
                return
            case .status(let code, let body, let extra):
                var headers = HTTPHeaders()
                for (name, value) in extra { headers.add(name: name, value: value) }
                headers.add(name: "Content-Length", value: "\(body.count)")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: code), headers: headers))), promise: nil)
                var buffer = context.channel.allocator.buffer(capacity: body.count)
                buffer.writeBytes(body)
                context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .large(let total, let announced):
                var headers = HTTPHeaders()
                if announced { headers.add(name: "Content-Length", value: "\(total)") } else { headers.add(name: "Transfer-Encoding", value: "chunked") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                let chunkSize = 64 * 1024
                var sent = 0
                while sent < total {
                    let size = min(chunkSize, total - sent)
                    var buffer = context.channel.allocator.buffer(capacity: size)
                    buffer.writeRepeatingByte(UInt8(ascii: " "), count: size)
                    context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                    sent += size
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
