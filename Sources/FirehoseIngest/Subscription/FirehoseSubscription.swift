public import Logging
import NIOCore
import Synchronization
import WSClient

/// A `com.atproto.sync.subscribeRepos` subscription that survives disconnects (SPEC.md §1–§2).
///
/// Every binary message becomes an ``IncomingFrame`` (index counted per run; `cursorPosition` is the frame's
/// seq, or the previous seq for frames without one) handed to `deliver` in order; `deliver` applies
/// backpressure by not returning until the consumer took the frame. On any disconnect, `ConsumerTooSlow` or
/// other error frame, text frame or server error, it reconnects after an exponential backoff with full jitter
/// (1 s → 5 min, `Retry-After` honoured), resuming after the last seq that was handed over. Every retry is
/// logged. `FutureCursor` stops the run; so do refusals that retrying cannot fix (HTTP 501, most 4xx) and
/// too many consecutive attempts that deliver nothing.
///
/// Undecodable binary messages are handed over rather than dropping the connection (which SPEC.md §1
/// allows): the verifier records them as `malformed-frame`, and a reconnect would only receive them again.
public struct FirehoseSubscription: Sendable {
    /// The settings.
    public let configuration: SubscriptionConfiguration
    let logger: Logger

    /// Creates a subscription (nothing is opened until ``run(cursor:startIndex:deliver:)``).
    public init(configuration: SubscriptionConfiguration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "relay.url"] = "\(configuration.relay)"
        self.logger = logger
    }

    /// What one connection ended with.
    enum ConnectionEnd: Sendable {
        case closedByServer
        case errorFrame(name: String, message: String?)
        case textFrame
        case stopRequested
    }

    /// Progress shared between the connection handler and the reconnect loop.
    final class Progress: Sendable {
        struct State {
            var index: Int
            var lastSeq: Int64?
            var frames = 0
            var framesThisConnection = 0
            var end: ConnectionEnd?
            var connections = 0
        }
        let state: Mutex<State>
        init(startIndex: Int, cursor: Int64?) { state = Mutex(State(index: startIndex, lastSeq: cursor)) }
    }

    /// Runs until `deliver` returns false, the task is cancelled, or a fatal condition (thrown as
    /// ``IngestError``). `cursor` nil starts from the upstream's "now".
    public func run(cursor: Int64?, startIndex: Int = 0,
                    deliver: @escaping @Sendable (IncomingFrame) async -> Bool) async throws -> SubscriptionResult {
        let progress = Progress(startIndex: startIndex, cursor: cursor)
        var backoff = configuration.backoff
        var consecutiveFailures = 0
        func result(_ end: SubscriptionResult.End) -> SubscriptionResult {
            progress.state.withLock { SubscriptionResult(end: end, frames: $0.frames, lastSeq: $0.lastSeq, connections: $0.connections) }
        }

        while !Task.isCancelled {
            let resumeCursor = progress.state.withLock { s -> Int64? in
                s.framesThisConnection = 0
                s.end = nil
                return s.lastSeq
            }
            let url = configuration.relay.url(cursor: resumeCursor)
            logger.info("connecting", metadata: ["relay.cursor": "\(resumeCursor.map(String.init) ?? "none")"])
            var failure: String
            var minimumDelay: Duration = .zero
            do {
                let closeFrame = try await connect(url: url, progress: progress, deliver: deliver)
                failure = "connection closed" + (closeFrame.map { " (\($0.closeCode)\($0.reason.map { ": " + $0 } ?? ""))" } ?? "")
            } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
                if Task.isCancelled { break }
                let answer = await UpgradeProbe(target: configuration.relay, timeout: configuration.probeTimeout).run()
                switch answer?.status {
                case .some(let status) where FirehoseSubscription.isPermanentRefusal(status):
                    throw IngestError(.upstreamRefused, "\(configuration.relay) refused the subscription with HTTP \(status)")
                case .some(let status):
                    failure = "upgrade refused with HTTP \(status)"
                    if let retryAfter = answer?.retryAfter {
                        minimumDelay = retryAfter
                        failure += ", Retry-After \(retryAfter)"
                    }
                case nil:
                    failure = "upgrade refused"
                }
            } catch {
                failure = "\(error)"
            }
            if Task.isCancelled { break }

            let (end, delivered) = progress.state.withLock { ($0.end, $0.framesThisConnection) }
            switch end {
            case .stopRequested:
                return result(.stopped)
            case .errorFrame(let name, let message) where name == "FutureCursor":
                let processed = progress.state.withLock { $0.frames } > 1  // the error frame itself was handed over
                logger.error("upstream says FutureCursor", metadata: ["relay.cursor": "\(resumeCursor.map(String.init) ?? "none")"])
                if processed { return result(.futureCursor(message)) }
                throw IngestError(.futureCursor, "cursor \(resumeCursor.map(String.init) ?? "none") is beyond the last event of \(configuration.relay)"
                                  + (message.map { " (\($0))" } ?? ""))
            case .errorFrame(let name, let message):
                failure = "error frame \(name)" + (message.map { ": \($0)" } ?? "")
            case .textFrame:
                failure = "text frame refused (the stream carries binary frames only)"
            case .closedByServer, nil:
                break
            }

            if delivered > 0 {
                backoff.reset()
                consecutiveFailures = 0
            } else {
                consecutiveFailures += 1
                if let limit = configuration.maxConsecutiveFailures, consecutiveFailures > limit {
                    throw IngestError(.upstreamUnreachable, "\(configuration.relay): \(consecutiveFailures) attempts in a row failed; last: \(failure)")
                }
            }
            let delay = backoff.nextDelay(minimum: minimumDelay)
            IngestMetrics.shared.reconnect()
            logger.warning("reconnecting", metadata: [
                "relay.reason": "\(failure)", "relay.delay": "\(delay)", "relay.attempt": "\(consecutiveFailures + 1)",
                "relay.frames": "\(delivered)",
            ])
            do { try await Task.sleep(for: delay) } catch { break }
        }
        return result(.cancelled)
    }

    /// Statuses that retrying cannot fix (SPEC.md §1): 501 and client errors other than 408/425/429.
    static func isPermanentRefusal(_ status: Int) -> Bool {
        if status == 501 { return true }
        return (400..<500).contains(status) && ![408, 425, 429].contains(status)
    }

    /// One connection: returns the server's close frame when it sent one.
    private func connect(url: String, progress: Progress, deliver: @escaping @Sendable (IncomingFrame) async -> Bool) async throws -> WebSocketCloseFrame? {
        let maxSize = configuration.maxFrameSize
        let client = WebSocketClient(
            url: url,
            configuration: WebSocketClientConfiguration(
                maxFrameSize: maxSize, closeTimeout: configuration.closeTimeout,
                autoPing: .enabled(timePeriod: configuration.pingInterval), sniHostname: configuration.relay.sniHostname),
            logger: logger
        ) { inbound, _, _ in
            progress.state.withLock { $0.connections += 1 }
            for try await message in inbound.messages(maxSize: maxSize) {
                guard case .binary(let buffer) = message else {
                    progress.state.withLock { $0.end = .textFrame }
                    return
                }
                let bytes = Array(buffer.readableBytesView)
                let peek = FramePeek(bytes)
                let frame = progress.state.withLock { s in
                    let frame = IncomingFrame(index: s.index, bytes: bytes, cursorPosition: peek.seq ?? s.lastSeq ?? -1,
                                              connection: s.connections, receivedAt: ReceiptClock.nowMicros())
                    s.index += 1
                    return frame
                }
                let keepGoing = await deliver(frame)
                if Task.isCancelled { return }
                progress.state.withLock { s in
                    s.frames += 1
                    s.framesThisConnection += 1
                    if let seq = peek.seq { s.lastSeq = max(s.lastSeq ?? seq, seq) }
                }
                if let name = peek.errorName {
                    progress.state.withLock { $0.end = .errorFrame(name: name, message: peek.errorMessage) }
                    return
                }
                if !keepGoing {
                    progress.state.withLock { $0.end = .stopRequested }
                    return
                }
            }
            progress.state.withLock { if $0.end == nil { $0.end = .closedByServer } }
        }
        return try await client.run()
    }
}
