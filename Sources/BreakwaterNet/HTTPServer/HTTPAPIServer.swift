public import Logging
import NIOCore
import NIOHTTP1
public import NIOPosix
public import ServiceLifecycle
import Synchronization

/// A small HTTP/1.1 server for the service's own endpoints (`consume --metrics`, `consume --http`), over
/// SwiftNIO, answering GET (and HEAD) from ``HTTPRouteSet``s.
///
/// Bounded: request targets up to ``Limits/maxTargetBytes`` (414 beyond), bodies up to
/// ``Limits/maxBodyBytes`` (413 and close beyond), headers as limited by NIO's parser (400 and close), at
/// most ``Limits/maxConnections`` open connections (more are closed at once), and connections idle for
/// ``Limits/idleTimeout`` are closed. Keep-alive is honoured. Runs as a `Service`: stops on cancellation or
/// graceful shutdown.
public final class HTTPAPIServer: Service, Sendable {
    /// Request and connection limits.
    public struct Limits: Sendable {
        /// Longest request target (path and query).
        public var maxTargetBytes = 4096
        /// Largest request body (bodies are read and ignored).
        public var maxBodyBytes = 16 * 1024
        /// Open connections at most.
        public var maxConnections = 64
        /// A connection that sends nothing for this long is closed.
        public var idleTimeout: Duration = .seconds(30)

        /// The defaults.
        public init() {}
    }

    /// The address actually bound.
    public let host: String
    /// The port actually bound (useful with port 0).
    public let port: Int
    let routes: [any HTTPRouteSet]
    let limits: Limits
    let logger: Logger
    private let listener: Mutex<NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>?>
    private let openConnections = Atomic<Int>(0)

    private init(host: String, port: Int, routes: [any HTTPRouteSet], limits: Limits, logger: Logger,
                 listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>) {
        self.host = host
        self.port = port
        self.routes = routes
        self.limits = limits
        self.logger = logger
        self.listener = Mutex(listener)
    }

    /// The base URL, e.g. `http://127.0.0.1:9100`.
    public var url: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// Binds `host:port` (port 0: any free port); serving starts with ``run()``.
    public static func bind(host: String, port: Int, routes: [any HTTPRouteSet], limits: Limits = Limits(), logger: Logger,
                            group: MultiThreadedEventLoopGroup = .singleton) async throws -> HTTPAPIServer {
        let idle = TimeAmount(limits.idleTimeout)
        let listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 64)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                        try channel.pipeline.syncOperations.addHandler(CloseWhenIdleHandler())
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw NetError(.cannotBind, "cannot listen on \(host):\(port): \(error)")
        }
        guard let address = listener.channel.localAddress, let boundPort = address.port else {
            throw NetError(.cannotBind, "no local address after binding \(host):\(port)")
        }
        return HTTPAPIServer(host: address.ipAddress ?? host, port: boundPort, routes: routes, limits: limits,
                             logger: logger, listener: listener)
    }

    /// Serves until cancelled or a graceful shutdown; can be called once.
    public func run() async throws {
        guard let listener = listener.withLock({ value -> NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>? in
            defer { value = nil }
            return value
        }) else { return }
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            guard self.openConnections.add(1, ordering: .relaxed).newValue <= self.limits.maxConnections else {
                                self.openConnections.subtract(1, ordering: .relaxed)
                                connection.channel.close(promise: nil)
                                continue
                            }
                            group.addTask {
                                defer { self.openConnections.subtract(1, ordering: .relaxed) }
                                do { try await self.serve(connection) } catch {
                                    self.logger.debug("HTTP connection ended", metadata: ["http.error": "\(error)"])
                                }
                            }
                        }
                    }
                }
            }
        } catch is CancellationError {
            // Stopping is the normal end of a server.
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var bodyBytes = 0
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    bodyBytes = 0
                case .body(let buffer):
                    bodyBytes += buffer.readableBytes
                    if bodyBytes > limits.maxBodyBytes, let request = head {
                        try await write(.error(413, "PayloadTooLarge", "request bodies are limited to \(limits.maxBodyBytes) bytes"),
                                        request: request, close: true, outbound: outbound)
                        return
                    }
                case .end:
                    guard let request = head else { return }
                    head = nil
                    let reply = await answer(request)
                    try await write(reply, request: request, close: !request.isKeepAlive, outbound: outbound)
                    if !request.isKeepAlive { return }
                }
            }
        }
    }

    /// The reply to a complete request.
    func answer(_ request: HTTPRequestHead) async -> HTTPReply {
        guard request.uri.utf8.count <= limits.maxTargetBytes else {
            return .error(414, "URITooLong", "request targets are limited to \(limits.maxTargetBytes) bytes")
        }
        let info = HTTPRequestInfo(method: request.method.rawValue, uri: request.uri)
        guard let routeSet = routes.first(where: { $0.serves(info.path) }) else {
            return .error(404, "NotFound", "no such resource: \(info.path)")
        }
        guard request.method == .GET || request.method == .HEAD else {
            var reply = HTTPReply.error(405, "MethodNotAllowed", "only GET is served")
            reply.headers.append(("Allow", "GET, HEAD"))
            return reply
        }
        return await routeSet.reply(to: info)
    }

    private func write(_ reply: HTTPReply, request: HTTPRequestHead, close: Bool,
                       outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: reply.contentType)
        headers.add(name: "Content-Length", value: String(reply.body.count))
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        if close { headers.add(name: "Connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: reply.status),
                                                        headers: headers)))
        if request.method != .HEAD { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))) }
        try await outbound.write(.end(nil))
    }
}

/// Closes a connection when ``IdleStateHandler`` reports it idle.
final class CloseWhenIdleHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
