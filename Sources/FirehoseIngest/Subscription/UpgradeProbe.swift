import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Finds out why a WebSocket upgrade was refused (the WebSocket client only reports "upgrade failed"): sends
/// the same upgrade request once more and reads the HTTP status and `Retry-After` (SPEC.md §1: 429 and 503
/// carry `Retry-After`; 501 means "do not retry").
struct UpgradeProbe: Sendable {
    /// What the server answered.
    struct Answer: Sendable, Equatable {
        var status: Int
        var retryAfter: Duration?
    }

    let target: RelayURL
    let timeout: Duration

    /// Sends the upgrade request and returns the status line's code (nil when no answer arrived in time).
    func run() async -> Answer? {
        do {
            return try await withThrowingTaskGroup(of: Answer?.self) { group in
                group.addTask { try await self.exchange() }
                group.addTask {
                    try await Task.sleep(for: self.timeout)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch {
            return nil
        }
    }

    private func exchange() async throws -> Answer? {
        let sslContext = target.secure ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let host = target.host
        let sni = target.sniHostname
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: target.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let handler = try NIOSSLClientHandler(context: sslContext, serverHostname: sni)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: target.hostHeader)
            headers.add(name: "Connection", value: "Upgrade")
            headers.add(name: "Upgrade", value: "websocket")
            headers.add(name: "Sec-WebSocket-Version", value: "13")
            let key = (0..<16).map { _ in UInt8.random(in: 0...255) }
            headers.add(name: "Sec-WebSocket-Key", value: Data(key).base64EncodedString())
            try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: target.pathAndQuery, headers: headers)))
            try await outbound.write(.end(nil))
            for try await part in inbound {
                guard case .head(let head) = part else { continue }
                return Answer(status: Int(head.status.code), retryAfter: UpgradeProbe.retryAfter(head.headers.first(name: "Retry-After")))
            }
            return nil
        }
    }

    /// Parses `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3); capped at one hour.
    static func retryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value), seconds >= 0 { return .seconds(min(seconds, 3600)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        let seconds = max(0, min(3600, date.timeIntervalSince(now)))
        return .milliseconds(Int64(seconds * 1000))
    }
}
