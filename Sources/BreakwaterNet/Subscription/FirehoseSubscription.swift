import Foundation
public import FirehoseSync
public import Logging
import NIOCore
import Synchronization

/// A `com.atproto.sync.subscribeRepos` subscription that survives disconnects (Docs/SPEC.md §1–§2).
///
/// Each attempt runs over a ``FirehoseConnection``: connect, TLS and upgrade bounded by a handshake timeout, a
/// connection silent for the read timeout (no frame, no pong) dropped, cancellation closing the socket at once.
///
/// Every binary message becomes an ``IncomingFrame`` (index counted per run; `cursorPosition` is the highest seq
/// handed over so far, so a duplicate or lower seq never moves the stored cursor back) handed to `deliver` in order,
/// the frames of one socket read together as a batch (``WebSocketFrameBatcher``); `deliver` applies backpressure by
/// not returning until the consumer took the batch. On any disconnect, `ConsumerTooSlow` or
/// other error frame, text frame or server error, it reconnects after an exponential backoff with full jitter
/// (1 s → 5 min, `Retry-After` honoured), resuming after the last seq that was handed over. Every retry is
/// logged. `FutureCursor` stops the run; so do refusals that retrying cannot fix (HTTP 501, most 4xx) and
/// too many consecutive attempts that deliver nothing.
///
/// Undecodable binary messages are handed over rather than dropping the connection (which Docs/SPEC.md §1
/// allows): the verifier records them as `malformed-frame`, and a reconnect would only receive them again.
public struct FirehoseSubscription: FrameSubscription {
    /// The settings.
    public let configuration: SubscriptionConfiguration
    let logger: Logger
    let onReconnect: @Sendable () -> Void

    /// Creates a subscription (nothing is opened until ``run(cursor:startIndex:deliver:)``); `onReconnect` is
    /// called each time a reconnect is scheduled (a metrics counter).
    public init(configuration: SubscriptionConfiguration, logger: Logger, onReconnect: @escaping @Sendable () -> Void = {}) {
        self.configuration = configuration
        self.onReconnect = onReconnect
        var logger = logger
        logger[metadataKey: "relay.url"] = "\(configuration.relay)"
        self.logger = logger
    }

    /// The relay URL (``FrameSubscription/upstream``).
    public var upstream: String { configuration.relay.description }

    /// What one connection ended with.
    enum ConnectionEnd: Sendable {
        case closedByServer
        case errorFrame(name: String, message: String?)
        case textFrame
        case stopRequested
        /// A frame's seq was not above the previous one (Docs/SPEC.md §2): it was handed over (the verifier refuses it)
        /// and the connection dropped; the next one resumes from the highest seq seen.
        case seqRegression(seq: Int64, previous: Int64)
    }

    /// Progress shared between the connection handler and the reconnect loop.
    final class Progress: Sendable {
        struct State {
            var index: Int
            var order: SeqOrder
            var lastSeq: Int64? { order.last }
            var frames = 0
            var framesThisConnection = 0
            var end: ConnectionEnd?
            var connections = 0
            var reconnects = 0
        }
        let state: Mutex<State>
        init(startIndex: Int, cursor: Int64?) { state = Mutex(State(index: startIndex, order: SeqOrder(last: cursor))) }
    }

    /// Runs until `deliver` returns false, the task is cancelled, or a fatal condition (thrown as
    /// ``NetError``). `cursor` nil starts from the upstream's "now". Frames are handed over one at a time, from the
    /// batches of ``runBatches(cursor:startIndex:deliver:)``.
    public func run(cursor: Int64?, startIndex: Int,
                    deliver: @escaping @Sendable (IncomingFrame) async -> Bool) async throws -> SubscriptionResult {
        try await runBatches(cursor: cursor, startIndex: startIndex) { frames in
            var taken = 0
            for frame in frames {
                taken += 1
                if !(await deliver(frame)) { return FrameBatchReply(taken: taken, keepGoing: false) }
            }
            return FrameBatchReply(taken: taken, keepGoing: true)
        }
    }

    /// Runs until `deliver` stops it, the task is cancelled, or a fatal condition (thrown as ``NetError``), handing
    /// over the frames of each socket read as one batch (within ``SubscriptionConfiguration/batchFrames`` and
    /// ``SubscriptionConfiguration/batchBytes``). `cursor` nil starts from the upstream's "now".
    public func runBatches(cursor: Int64?, startIndex: Int,
                           deliver: @escaping @Sendable ([IncomingFrame]) async -> FrameBatchReply) async throws -> SubscriptionResult {
        let progress = Progress(startIndex: startIndex, cursor: cursor)
        var backoff = configuration.backoff
        var consecutiveFailures = 0
        func result(_ end: SubscriptionResult.End) -> SubscriptionResult {
            progress.state.withLock { SubscriptionResult(end: end, frames: $0.frames, lastSeq: $0.lastSeq, connections: $0.connections, reconnects: $0.reconnects) }
        }

        while !Task.isCancelled {
            let resumeCursor = progress.state.withLock { s -> Int64? in
                s.framesThisConnection = 0
                s.end = nil
                return s.lastSeq
            }
            logger.info("connecting", metadata: ["relay.cursor": "\(resumeCursor.map(String.init) ?? "none")"])
            var failure: String
            var minimumDelay: Duration = .zero
            do {
                switch try await connect(cursor: resumeCursor, progress: progress, deliver: deliver) {
                case .refused(let status, let retryAfter):
                    if FirehoseSubscription.isPermanentRefusal(status) {
                        throw NetError(.upstreamRefused, "\(configuration.relay) refused the subscription with HTTP \(status)")
                    }
                    failure = "upgrade refused with HTTP \(status)"
                    if let retryAfter {
                        minimumDelay = retryAfter
                        failure += ", Retry-After \(retryAfter)"
                    }
                case .ended(.closedByServer(let detail)):
                    failure = "closed by the server (\(detail))"
                case .ended(.connectionLost):
                    failure = "connection lost"
                case .ended(.readTimeout):
                    failure = "nothing received for \(configuration.readTimeout) (no frame, no pong)"
                case .ended(.protocolError(let why)):
                    failure = "WebSocket protocol error: \(why)"
                case .ended(.textFrame), .ended(.stoppedByConsumer):
                    failure = "connection ended"  // refined from `progress` below
                }
            } catch let error as NetError where error.code == .upstreamRefused {
                throw error
            } catch {
                failure = NetworkFailureText.describe(error)
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
                throw NetError(.futureCursor, "cursor \(resumeCursor.map(String.init) ?? "none") is beyond the last event of \(configuration.relay)"
                                  + (message.map { " (\($0))" } ?? ""))
            case .errorFrame(let name, let message):
                failure = "error frame \(name)" + (message.map { ": \($0)" } ?? "")
            case .textFrame:
                failure = "text frame refused (the stream carries binary frames only)"
            case .seqRegression(let seq, let previous):
                failure = "seq \(seq) is not above the previous seq \(previous): frame not processed, connection dropped (a stream's seqs must increase)"
            case .closedByServer, nil:
                break
            }

            if delivered > 0 {
                backoff.reset()
                consecutiveFailures = 0
            } else {
                consecutiveFailures += 1
                if let limit = configuration.maxConsecutiveFailures, consecutiveFailures > limit {
                    throw NetError(.upstreamUnreachable, "\(configuration.relay): \(consecutiveFailures) attempts in a row failed; last: \(failure)")
                }
            }
            let delay = backoff.nextDelay(minimum: minimumDelay)
            onReconnect()
            progress.state.withLock { $0.reconnects += 1 }
            logger.warning("reconnecting", metadata: [
                "relay.reason": "\(failure)", "relay.delay": "\(Backoff.delayText(delay))", "relay.attempt": "\(consecutiveFailures + 1)",
                "relay.frames": "\(delivered)",
            ])
            do { try await Task.sleep(for: delay) } catch { break }
        }
        return result(.cancelled)
    }

    /// Statuses that retrying cannot fix (Docs/SPEC.md §1): 501 and client errors other than 408/425/429.
    static func isPermanentRefusal(_ status: Int) -> Bool {
        if status == 501 { return true }
        return (400..<500).contains(status) && ![408, 425, 429].contains(status)
    }

    /// What one attempt came to.
    enum Attempt: Sendable {
        case refused(status: Int, retryAfter: Duration?)
        case ended(FirehoseConnection.Ending)
    }

    /// One connection attempt: handshake, then frames until the connection ends.
    private func connect(cursor: Int64?, progress: Progress,
                         deliver: @escaping @Sendable ([IncomingFrame]) async -> FrameBatchReply) async throws -> Attempt {
        var connection = FirehoseConnection(
            target: configuration.relay, maxMessageSize: configuration.maxFrameSize, handshakeTimeout: configuration.handshakeTimeout,
            pingInterval: configuration.pingInterval, readTimeout: configuration.readTimeout,
            additionalTrustRoots: configuration.additionalTrustRoots)
        connection.batchFrames = configuration.batchFrames
        connection.batchBytes = configuration.batchBytes
        switch try await connection.open(path: configuration.relay.pathAndQuery(cursor: cursor)) {
        case .refused(let status, let retryAfter):
            return .refused(status: status, retryAfter: retryAfter)
        case .upgraded(let webSocket):
            progress.state.withLock { $0.connections += 1 }
            var frames: [IncomingFrame] = []
            let ending = try await connection.session(webSocket) { buffers in
                frames.removeAll(keepingCapacity: true)
                let receivedAt = WallClock.nowMicros()
                progress.state.withLock { s in
                    // The frames up to the first that ends the connection (an error frame, a seq regression): that one
                    // is handed over too (the verifier records it), the rest of the batch is not.
                    var order = s.order
                    for (position, buffer) in buffers.enumerated() {
                        let bytes = Array(buffer.readableBytesView)
                        let peek = FramePeek(bytes)
                        // A server that replays from `seq ≥ cursor` (the spec's text; Docs/SPEC.md §15 item 1) starts a new
                        // connection with the cursor's own event: not processed, but no reason to drop the connection.
                        let resumedAtCursor = s.framesThisConnection == 0 && position == 0 && peek.seq != nil && peek.seq == cursor
                        if let seq = peek.seq, case .regression(let last) = order.judge(seq), s.end == nil, !resumedAtCursor {
                            s.end = .seqRegression(seq: seq, previous: last)
                        }
                        // The cursor never moves back: a frame with a lower seq (refused by the verifier) keeps it.
                        let position = max(peek.seq ?? Int64.min, order.last ?? -1)
                        frames.append(IncomingFrame(index: s.index, bytes: bytes, cursorPosition: position,
                                                    connection: s.connections, receivedAt: receivedAt, peek: peek))
                        s.index += 1
                        if let seq = peek.seq { _ = order.observe(seq) }
                        if s.end != nil || peek.errorName != nil { break }
                    }
                }
                for frame in frames {
                    if let info = frame.peek?.infoName {
                        logger.warning("upstream #info", metadata: ["relay.info": "\(info)"])
                    }
                }
                let reply = await deliver(frames)
                let taken = min(max(0, reply.taken), frames.count)
                if Task.isCancelled { return false }
                let last = taken > 0 ? frames[taken - 1].peek : nil
                let end = progress.state.withLock { s -> ConnectionEnd? in
                    s.frames += taken
                    s.framesThisConnection += taken
                    for frame in frames.prefix(taken) {
                        if let seq = frame.peek?.seq { _ = s.order.observe(seq) }
                    }
                    if let name = last?.errorName {
                        s.end = .errorFrame(name: name, message: last?.errorMessage)
                    } else if !reply.keepGoing || taken < frames.count {
                        s.end = .stopRequested
                    }
                    return s.end
                }
                switch end {
                case nil: return true
                case .seqRegression?:
                    logger.warning("seq regression: dropping the connection", metadata: ["relay.seq": "\(last?.seq.map(String.init) ?? "-")"])
                    return false
                default: return false
                }
            }
            progress.state.withLock { s in
                if s.end == nil {
                    switch ending {
                    case .textFrame: s.end = .textFrame
                    default: s.end = .closedByServer
                    }
                }
            }
            return .ended(ending)
        }
    }
}
