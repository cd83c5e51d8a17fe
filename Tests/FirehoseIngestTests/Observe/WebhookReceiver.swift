import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A test-owned webhook receiver on 127.0.0.1: records every request (method, path, body) and answers with the
/// given statuses in turn (then 200).
final class WebhookReceiver: Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var body: [UInt8]
        var status: Int

        /// The body as a JSON object.
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
        /// The alerts of a batch.
        var alerts: [[String: Any]] { json["alerts"] as? [[String: Any]] ?? [] }
    }

    typealias Listener = NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>

    let port: Int
    private let listener: Mutex<Listener?>
    private let answers: Mutex<[Int]>
    private let log = Mutex<[Request]>([])

    private init(port: Int, listener: Listener, answers: [Int]) {
        self.port = port
        self.listener = Mutex(listener)
        self.answers = Mutex(answers)
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var requests: [Request] { log.withLock { $0 } }

    /// Runs `body` with a receiver serving; stops it afterwards.
    static func with<T: Sendable>(answers: [Int] = [], _ body: @Sendable (WebhookReceiver) async throws -> T) async throws -> T {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let receiver = WebhookReceiver(port: listener.channel.localAddress?.port ?? 0, listener: listener, answers: answers)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await receiver.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(receiver)
        }
    }

    /// Waits until at least `count` requests arrived (or `seconds` passed).
    func waitForRequests(_ count: Int, seconds: Double = 20) async throws {
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while requests.count < count, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
    }

    private func run() async throws {
        guard let listener = listener.withLock({ value -> Listener? in
            defer { value = nil }
            return value
        }) else { return }
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { try? await self.serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body = []
                case .body(let buffer):
                    body.append(contentsOf: buffer.readableBytesView)
                case .end:
                    guard let request = head else { return }
                    let status = answers.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
                    log.withLock { $0.append(Request(method: request.method.rawValue, path: request.uri, body: body, status: status)) }
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Length", value: "0")
                    try await outbound.write(.head(HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: status),
                                                                    headers: headers)))
                    try await outbound.write(.end(nil))
                }
            }
        }
    }
}
