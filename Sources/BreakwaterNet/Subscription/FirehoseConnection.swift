import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Synchronization

/// One WebSocket connection to a `subscribeRepos` endpoint (RFC 6455 over SwiftNIO; Docs/SPEC.md §1), with every wait
/// bounded:
///
/// - TCP connect, TLS (certificates checked against the system roots, SNI) and the HTTP upgrade must all finish
///   within ``handshakeTimeout``; a server that accepts TCP and then says nothing, or closes, ends the attempt;
/// - once upgraded, pings go out every ``pingInterval`` and the connection is closed when nothing at all (no frame,
///   no pong) arrived for ``readTimeout``, except while the consumer is still busy with the last frame (that is
///   backpressure, not silence);
/// - cancelling the calling task closes the socket at once, in every phase.
///
/// Messages are reassembled from fragments up to ``maxMessageSize``; text frames end the session (the stream
/// carries binary frames only).
struct FirehoseConnection: Sendable {
    /// The endpoint.
    let target: RelayURL
    /// The largest frame and reassembled message accepted.
    let maxMessageSize: Int
    /// Limit for connect + TLS + upgrade.
    let handshakeTimeout: Duration
    /// Period of our pings.
    let pingInterval: Duration
    /// Silence after which the connection is dropped.
    let readTimeout: Duration
    /// Extra trusted certificates (PEM file) for TLS.
    var additionalTrustRoots: String? = nil
    /// The most frames in one batch handed to the session (``WebSocketFrameBatcher``).
    var batchFrames: Int = 256
    /// The most payload bytes in one batch (a single larger frame travels alone).
    var batchBytes: Int = 1024 * 1024

    /// The upgraded connection: batches of whole frames in (``WebSocketFrameBatcher``), frames out.
    typealias WebSocket = NIOAsyncChannel<[WebSocketFrame], WebSocketFrame>

    /// How the upgrade request was answered.
    enum Handshake: Sendable {
        /// `101 Switching Protocols`.
        case upgraded(WebSocket)
        /// Any other status (with `Retry-After`, when given).
        case refused(status: Int, retryAfter: Duration?)
    }

    /// How an upgraded connection ended.
    enum Ending: Sendable, Equatable {
        /// The server sent a close frame (code and reason, when given).
        case closedByServer(String)
        /// The socket closed without a close frame.
        case connectionLost
        /// Nothing arrived for ``readTimeout``.
        case readTimeout
        /// A text frame arrived.
        case textFrame
        /// The server broke RFC 6455 framing (reserved bits or opcode, a masked frame): the connection is failed.
        case protocolError(String)
        /// The consumer asked to stop.
        case stoppedByConsumer
    }

    /// What the pipeline returns before the upgrade completes.
    private enum UpgradeResult: Sendable {
        case websocket(WebSocket)
        case refused(EventLoopFuture<HTTPResponseHead>)
    }

    // MARK: - Handshake

    /// Connects and sends the upgrade request for `path` (path and query).
    func open(path: String) async throws -> Handshake {
        let deadline = ContinuousClock.now + handshakeTimeout
        let sslContext: NIOSSLContext?
        if target.secure {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            if let extra = additionalTrustRoots { tls.additionalTrustRoots = [.file(extra)] }
            sslContext = try NIOSSLContext(configuration: tls)
        } else {
            sslContext = nil
        }
        let connecting = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(handshakeTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: target.host, port: target.port)
        let channel = try await FirehoseConnection.value(of: connecting, what: "connecting to \(target.authority)",
                                                         timeout: handshakeTimeout) { $0.close(promise: nil) }
        do {
            let upgrade = try await channel.eventLoop.submit {
                try self.configureUpgrade(channel, path: path, sslContext: sslContext)
            }.get()
            let remaining = deadline - ContinuousClock.now
            switch try await FirehoseConnection.value(of: upgrade, what: "the WebSocket upgrade", timeout: remaining,
                                                      discard: FirehoseConnection.closeDiscarded) {
            case .websocket(let webSocket):
                return .upgraded(webSocket)
            case .refused(let head):
                let response = try await FirehoseConnection.value(of: head, what: "the HTTP response",
                                                                  timeout: max(.zero, deadline - ContinuousClock.now)) { _ in }
                channel.close(promise: nil)
                return .refused(status: Int(response.status.code), retryAfter: RetryAfter.parse(response.headers.first(name: "Retry-After")))
            }
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    private static func closeDiscarded(_ result: UpgradeResult) {
        if case .websocket(let webSocket) = result { webSocket.channel.close(promise: nil) }
    }

    /// TLS (when secure), HTTP/1.1 and the WebSocket upgrader on a connected channel.
    private func configureUpgrade(_ channel: any Channel, path: String, sslContext: NIOSSLContext?) throws -> EventLoopFuture<UpgradeResult> {
        let maxSize = maxMessageSize
        let (batchFrames, batchBytes) = (self.batchFrames, self.batchBytes)
        let settling = UpgradeSettlingHandler()
        try channel.pipeline.syncOperations.addHandler(settling)
        let upgrader = NIOTypedWebSocketClientUpgrader<UpgradeResult>(
            maxFrameSize: maxSize,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                        minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 4096, maxAccumulatedFrameSize: maxSize))
                    try channel.pipeline.syncOperations.addHandler(WebSocketFrameBatcher(maxFrames: batchFrames, maxBytes: batchBytes))
                    // A few batches buffered at most: the socket is not read while they wait (bounded in frames and bytes).
                    let webSocket = try WebSocket(wrappingChannelSynchronously: channel, configuration: .init(
                        backPressureStrategy: .init(lowWatermark: 1, highWatermark: 4)))
                    settling.settle()
                    return .websocket(webSocket)
                }
            })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: target.hostHeader)
        headers.add(name: "User-Agent", value: "breakwater")
        let request = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<UpgradeResult>(
            upgradeRequestHead: request, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    let catcher = ResponseHeadCatcher(promise: channel.eventLoop.makePromise())
                    try channel.pipeline.syncOperations.addHandler(catcher)
                    settling.settle()
                    return .refused(catcher.promise.futureResult)
                }
            })
        if let sslContext {
            let sni = target.sniHostname
            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: sni))
        }
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
        pipeline.leftOverBytesStrategy = .forwardBytes
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
    }

    /// Awaits `future` for at most `timeout`, giving up at once when the task is cancelled. A value that arrives
    /// after giving up is passed to `discard` (to close a connection nobody will use).
    static func value<T: Sendable>(of future: EventLoopFuture<T>, what: String, timeout: Duration,
                                   discard: @escaping @Sendable (T) -> Void) async throws -> T {
        let promise = future.eventLoop.makePromise(of: T.self)
        future.cascade(to: promise)
        let timer = future.eventLoop.scheduleTask(in: TimeAmount(max(.zero, timeout))) {
            promise.fail(NetError(.upstreamTimeout, "\(what) took longer than \(timeout)"))
        }
        promise.futureResult.whenComplete { result in
            timer.cancel()
            if case .failure = result { future.whenSuccess(discard) }
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            promise.fail(CancellationError())
        }
    }

    // MARK: - Session

    /// Reads `webSocket` until it ends, handing the binary messages to `receive` in batches (those that arrived
    /// together, in order; `receive` returns false to stop). Answers pings, sends its own, and closes the socket after
    /// ``readTimeout`` of silence or on cancellation.
    func session(_ webSocket: WebSocket, receive: ([ByteBuffer]) async -> Bool) async throws -> Ending {
        let channel = webSocket.channel
        let activity = Activity()
        return try await withTaskCancellationHandler {
            try await webSocket.executeThenClose { inbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await FirehoseConnection.watch(channel, activity: activity, pingInterval: self.pingInterval,
                                                           readTimeout: self.readTimeout)
                    }
                    defer { group.cancelAll() }
                    var messages: [ByteBuffer] = []
                    /// Hands over the binary messages gathered so far; false when the consumer stops.
                    func handOver() async -> Bool {
                        guard !messages.isEmpty else { return true }
                        activity.touch(busy: true)
                        let keepGoing = await receive(messages)
                        activity.touch(busy: false)
                        messages.removeAll(keepingCapacity: true)
                        return keepGoing
                    }
                    do {
                        for try await batch in inbound {
                            activity.touch(busy: false)
                            for frame in batch {
                                if let violation = FirehoseConnection.protocolViolation(frame) {
                                    guard await handOver() else { return try await FirehoseConnection.stopped(channel) }
                                    try? await FirehoseConnection.sendClose(channel, code: .protocolError)
                                    return .protocolError(violation)
                                }
                                if frame.opcode == .binary {
                                    messages.append(frame.unmaskedData)
                                    continue
                                }
                                // A control or text frame: the messages before it go first.
                                guard await handOver() else { return try await FirehoseConnection.stopped(channel) }
                                if let ending = try await FirehoseConnection.control(frame, channel: channel) { return ending }
                            }
                            guard await handOver() else { return try await FirehoseConnection.stopped(channel) }
                        }
                    } catch {
                        if activity.timedOut { return .readTimeout }
                        throw error
                    }
                    return activity.timedOut ? .readTimeout : .connectionLost
                }
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// The consumer asked to stop: a normal close.
    private static func stopped(_ channel: any Channel) async throws -> Ending {
        try? await sendClose(channel, code: .normalClosure)
        return .stoppedByConsumer
    }

    /// Handles a frame that is not a binary message; the ending it causes, or nil to go on.
    private static func control(_ frame: WebSocketFrame, channel: any Channel) async throws -> Ending? {
        switch frame.opcode {
        case .text:
            try? await sendClose(channel, code: .unacceptableData)
            return .textFrame
        case .ping:
            // Only while the socket takes writes: a server that pings without reading must not
            // pile up pongs in memory (RFC 6455 §5.5.3 allows answering only the latest ping).
            if channel.isWritable {
                let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
                channel.writeAndFlush(pong, promise: nil)
            }
            return nil
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode()
            let reason = data.readString(length: data.readableBytes)
            try? await sendClose(channel, code: code ?? .normalClosure)
            let text = code.map { "\(UInt16(webSocketErrorCode: $0))" } ?? "no code"
            return .closedByServer(text + (reason.flatMap { $0.isEmpty ? nil : ": " + $0 } ?? ""))
        default:  // pong (continuations arrive aggregated)
            return nil
        }
    }

    /// Why `frame` breaks RFC 6455 §5.2 for a client that negotiated no extension, or nil: reserved bits set, a
    /// reserved opcode, or a masked frame from the server.
    static func protocolViolation(_ frame: WebSocketFrame) -> String? {
        if frame.rsv1 || frame.rsv2 || frame.rsv3 { return "reserved bits set on a frame (no extension was negotiated)" }
        if frame.maskKey != nil { return "the server masked a frame" }
        switch frame.opcode {
        case .binary, .text, .ping, .pong, .connectionClose, .continuation: return nil
        default: return "reserved opcode \(UInt8(webSocketOpcode: frame.opcode))"
        }
    }

    /// Writes a close frame without waiting for buffer space longer than a second.
    private static func sendClose(_ channel: any Channel, code: WebSocketErrorCode) async throws {
        var data = channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        _ = try await value(of: channel.writeAndFlush(frame), what: "the close frame", timeout: .seconds(1)) { _ in }
    }

    /// Sends pings and closes `channel` after `readTimeout` of silence.
    private static func watch(_ channel: any Channel, activity: Activity, pingInterval: Duration, readTimeout: Duration) async throws {
        let tick = max(.milliseconds(10), min(pingInterval, readTimeout) / 4)
        var nextPing = ContinuousClock.now + pingInterval
        while true {
            try await Task.sleep(for: tick)
            let now = ContinuousClock.now
            if activity.silent(longerThan: readTimeout, now: now) {
                channel.close(promise: nil)
                return
            }
            if now >= nextPing && channel.isWritable {
                var payload = channel.allocator.buffer(capacity: 8)
                payload.writeInteger(UInt64.random(in: 0 ... .max))
                channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: payload), promise: nil)
                nextPing = now + pingInterval
            }
        }
    }

    /// When something last arrived, and whether the consumer is busy with a frame.
    final class Activity: Sendable {
        private struct State {
            var last = ContinuousClock.now
            var busy = false
            var timedOut = false
        }
        private let state = Mutex(State())

        func touch(busy: Bool) {
            state.withLock {
                $0.last = .now
                $0.busy = busy
            }
        }

        /// True (and remembered) when nothing arrived for `limit` while the consumer was idle.
        func silent(longerThan limit: Duration, now: ContinuousClock.Instant) -> Bool {
            state.withLock { s in
                if !s.busy && now - s.last > limit { s.timedOut = true }
                return s.timedOut
            }
        }

        var timedOut: Bool { state.withLock { $0.timedOut } }
    }
}

/// Holds back `channelInactive` while the HTTP upgrade is still settling, so that frames which arrived together with
/// the `101` response are not lost when the server closes right after them (a `FutureCursor` error frame and a close).
///
/// NIO removes the HTTP decoder one event-loop turn after the `101` arrives and only then forwards the bytes that
/// followed it to the WebSocket handlers. A server's FIN read in the same turn would otherwise reach the HTTP decoder
/// first, which drops those bytes, and the new WebSocket stream would end empty. Placed first in the pipeline, this
/// handler passes `channelInactive` on once the upgrade (or the refusal) has been set up, or after a few turns when
/// nothing is being upgraded (a server that closes before answering still fails at once).
final class UpgradeSettlingHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    /// Event-loop turns to wait at most for the upgrade to settle.
    static let maxTurns = 16
    private let settled = Atomic<Bool>(false)

    /// Marks the upgrade (or refusal) as set up: later `channelInactive` events pass at once.
    func settle() { settled.store(true, ordering: .releasing) }

    func channelInactive(context: ChannelHandlerContext) {
        forwardInactive(context: context, turnsLeft: Self.maxTurns)
    }

    private func forwardInactive(context: ChannelHandlerContext, turnsLeft: Int) {
        if turnsLeft == 0 || settled.load(ordering: .acquiring) {
            context.fireChannelInactive()
            return
        }
        context.eventLoop.assumeIsolated().execute {
            self.forwardInactive(context: context, turnsLeft: turnsLeft - 1)
        }
    }
}

/// Captures the response head of a refused upgrade (the status and `Retry-After`).
private final class ResponseHeadCatcher: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPClientResponsePart
    let promise: EventLoopPromise<HTTPResponseHead>

    init(promise: EventLoopPromise<HTTPResponseHead>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = Self.unwrapInboundIn(data) { promise.succeed(head) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(NetError(.upstreamClosed, "the connection closed before the HTTP response"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
