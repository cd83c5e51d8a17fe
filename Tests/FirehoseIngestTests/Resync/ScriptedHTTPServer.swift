import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A loopback HTTP server whose answers a test scripts per request: statuses, bodies, redirects, a server that
/// never answers, a body that trickles. Real sockets, for the `getRepo` client's rules.
final class ScriptedHTTPServer: Sendable {
    enum Reply: Sendable {
        case status(Int, body: String, headers: [(String, String)] = [])
        case car([UInt8], announceLength: Bool = true)
        case redirect(String)
        /// Accept the request and never answer.
        case hang
        /// Send the body `chunk` bytes at a time, `interval` apart.
        case trickle([UInt8], chunk: Int, interval: TimeAmount)
    }

    let channel: any Channel
    let port: Int
    private let requests = Mutex<[String]>([])
    private let script: @Sendable (_ uri: String, _ count: Int) -> Reply

    /// Binds 127.0.0.1:0; `script` gets the request URI and how many requests came before it.
    init(script: @escaping @Sendable (_ uri: String, _ count: Int) -> Reply) async throws {
        self.script = script
        let box = Mutex<ScriptedHTTPServer?>(nil)
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: { box.withLock { $0 } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
        box.withLock { $0 = self }
    }

    var base: String { "http://127.0.0.1:\(port)" }
    var requestURIs: [String] { requests.withLock { $0 } }

    func close() async { try? await channel.close() }

    func reply(for uri: String) -> Reply {
        let count = requests.withLock { list in
            list.append(uri)
            return list.count - 1
        }
        return script(uri, count)
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: () -> ScriptedHTTPServer?
        var uri = ""

        init(server: @escaping () -> ScriptedHTTPServer?) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): uri = head.uri
            case .body: break
            case .end:
                guard let server = server() else { return }
                respond(server.reply(for: uri), context: context)
            }
        }

        func head(_ status: Int, _ headers: [(String, String)], context: ChannelHandlerContext) {
            var fields = HTTPHeaders()
            for (name, value) in headers { fields.add(name: name, value: value) }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status),
                                                                 headers: fields))), promise: nil)
        }

        func respond(_ reply: Reply, context: ChannelHandlerContext) {
            switch reply {
            case .hang:
                return
            case .status(let status, let body, let headers):
                head(status, headers + [("Content-Type", "application/json"), ("Content-Length", "\(body.utf8.count)")], context: context)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .redirect(let location):
                head(302, [("Location", location), ("Content-Length", "0")], context: context)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .car(let bytes, let announce):
                head(200, [("Content-Type", "application/vnd.ipld.car")] + (announce ? [("Content-Length", "\(bytes.count)")] : []),
                     context: context)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .trickle(let bytes, let chunk, let interval):
                head(200, [("Content-Type", "application/vnd.ipld.car"), ("Content-Length", "\(bytes.count)")], context: context)
                context.flush()
                send(bytes[...], chunk: chunk, interval: interval, context: context)
            }
        }

        func send(_ rest: ArraySlice<UInt8>, chunk: Int, interval: TimeAmount, context: ChannelHandlerContext) {
            guard context.channel.isActive else { return }
            if rest.isEmpty {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            let piece = rest.prefix(chunk)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: piece)))), promise: nil)
            let remaining = rest.dropFirst(piece.count)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: interval) { self.send(remaining, chunk: chunk, interval: interval, context: bound.value) }
        }
    }
}
