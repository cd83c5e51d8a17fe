import DequeModule
public import FirehoseSync
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Delivers alerts to a webhook (`consume --webhook URL`): JSON batches POSTed in order, retried with
/// exponential backoff, from a bounded queue that never makes the caller wait.
///
/// - ``enqueue(_:)`` takes the lock for an append; when the queue holds ``WebhookConfiguration/capacity``
///   alerts the oldest is dropped, counted (``droppedCount``, ``BreakwaterMetricNames/webhookDropped``) and
///   logged (the first drop and every 1,000th).
/// - A batch is `{"alerts": [...], "dropped": N}` (N: alerts dropped so far by this process). A 2xx answer
///   delivers it; 408, 429, 5xx and network errors are retried (``WebhookConfiguration/maxAttempts``, waits from
///   ``WebhookConfiguration/backoff``, `Retry-After` honoured); other answers drop the batch at once.
/// - On graceful shutdown (run it before the ingest in the `ServiceGroup` so the ingest stops first), what is
///   queued is still sent until ``WebhookConfiguration/shutdownDeadline``; the rest is dropped and logged.
public final class WebhookSender: Service, Sendable {
    /// The settings.
    public let configuration: WebhookConfiguration
    let logger: Logger
    let metrics: IngestMetrics
    let transport: any WebhookTransport
    private let state = Mutex(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    struct State {
        var queue = Deque<Alert>()
        var dropped = 0
        var delivered = 0
        var shutdownAt: ContinuousClock.Instant?
    }

    /// Creates a sender posting through `transport` (nothing is sent until ``run()``, which shuts the transport down
    /// when it ends).
    public init(configuration: WebhookConfiguration, transport: any WebhookTransport, logger: Logger, metrics: IngestMetrics = IngestMetrics()) {
        self.configuration = configuration
        self.transport = transport
        var logger = logger
        logger[metadataKey: "webhook.url"] = "\(configuration.url)"
        self.logger = logger
        self.metrics = metrics
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Alerts dropped so far (queue full, retries exhausted, refused, shutdown deadline).
    public var droppedCount: Int { state.withLock { $0.dropped } }
    /// Alerts delivered so far.
    public var deliveredCount: Int { state.withLock { $0.delivered } }
    /// Alerts waiting.
    public var queuedCount: Int { state.withLock { $0.queue.count } }

    /// Queues `alert` for delivery; never waits.
    public func enqueue(_ alert: Alert) {
        let (depth, dropped) = state.withLock { s -> (Int, Int?) in
            var dropped: Int? = nil
            if s.queue.count >= configuration.capacity {
                _ = s.queue.popFirst()
                s.dropped += 1
                dropped = s.dropped
            }
            s.queue.append(alert)
            return (s.queue.count, dropped)
        }
        metrics.queueDepth(BreakwaterMetricNames.Queue.webhook, depth)
        if let dropped {
            metrics.webhookDropped(1)
            if dropped == 1 || dropped % 1000 == 0 {
                logger.warning("webhook queue full: dropped the oldest alert", metadata: ["webhook.dropped": .stringConvertible(dropped)])
            }
        }
        wake.yield()
    }

    /// Delivers queued alerts until a graceful shutdown or cancellation, then flushes within the deadline.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeups {
                while let batch = take() { await deliver(batch) }
            }
        } onGracefulShutdown: {
            self.state.withLock { if $0.shutdownAt == nil { $0.shutdownAt = .now } }
            self.wake.finish()
        }
        state.withLock { if $0.shutdownAt == nil { $0.shutdownAt = .now } }
        while let batch = take() {
            if let deadline = deadline(), ContinuousClock.now >= deadline {
                drop(batch.count + state.withLock { s in
                    defer { s.queue.removeAll() }
                    return s.queue.count
                }, why: "shutdown deadline passed")
                break
            }
            await deliver(batch)
        }
        metrics.queueDepth(BreakwaterMetricNames.Queue.webhook, 0)
        await transport.shutdown()
    }

    /// Up to a batch of alerts from the front of the queue.
    private func take() -> [Alert]? {
        let (batch, depth) = state.withLock { s -> ([Alert], Int) in
            let batch = Array(s.queue.prefix(configuration.batchSize))
            s.queue.removeFirst(batch.count)
            return (batch, s.queue.count)
        }
        metrics.queueDepth(BreakwaterMetricNames.Queue.webhook, depth)
        return batch.isEmpty ? nil : batch
    }

    /// When delivery must stop (after a shutdown began).
    private func deadline() -> ContinuousClock.Instant? {
        state.withLock { $0.shutdownAt }.map { $0 + configuration.shutdownDeadline }
    }

    private func drop(_ count: Int, why: String) {
        guard count > 0 else { return }
        let total = state.withLock { s in
            s.dropped += count
            return s.dropped
        }
        metrics.webhookDropped(count)
        logger.error("webhook alerts dropped", metadata: ["webhook.reason": "\(why)", "webhook.alerts": .stringConvertible(count),
                                                         "webhook.dropped": .stringConvertible(total)])
    }

    private func deliver(_ batch: [Alert]) async {
        let dropped = state.withLock { $0.dropped }
        let object: [String: Any] = ["alerts": batch.map(\.jsonObject), "dropped": dropped]
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var backoff = configuration.backoff
        var last = "no attempt"
        var attempts = 0
        for attempt in 1...configuration.maxAttempts {
            if let deadline = deadline(), ContinuousClock.now >= deadline {
                last = "shutdown deadline passed; last: \(last)"
                break
            }
            attempts = attempt
            switch await post(body) {
            case .delivered:
                metrics.webhookPost(BreakwaterMetricNames.WebhookResult.delivered)
                state.withLock { $0.delivered += batch.count }
                logger.debug("webhook batch delivered", metadata: ["webhook.alerts": .stringConvertible(batch.count)])
                return
            case .refused(let why):
                metrics.webhookPost(BreakwaterMetricNames.WebhookResult.failed)
                drop(batch.count, why: why)
                return
            case .retry(let why, let retryAfter):
                last = why
                guard attempt < configuration.maxAttempts else { break }
                metrics.webhookPost(BreakwaterMetricNames.WebhookResult.retried)
                let minimum = retryAfter.map { $0 > backoff.cap ? backoff.cap : $0 } ?? .zero
                let delay = backoff.nextDelay(minimum: minimum)
                logger.warning("webhook POST failed; retrying", metadata: [
                    "webhook.reason": "\(why)", "webhook.attempt": .stringConvertible(attempt), "webhook.delay": "\(Backoff.delayText(delay))",
                ])
                await sleep(delay)
            }
        }
        metrics.webhookPost(BreakwaterMetricNames.WebhookResult.failed)
        drop(batch.count, why: "gave up after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(last)")
    }

    /// Sleeps `delay`, waking early when a shutdown deadline passes (or the task is cancelled).
    private func sleep(_ delay: Duration) async {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end {
            if let deadline = deadline(), ContinuousClock.now >= deadline { return }
            let step = min(end - ContinuousClock.now, .milliseconds(50))
            do { try await Task.sleep(for: step) } catch { return }
        }
    }

    /// One POST within the request timeout, shortened to what is left before a shutdown deadline.
    private func post(_ body: Data) async -> WebhookAttempt {
        var timeout = configuration.requestTimeout
        if let deadline = deadline() {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return .retry("shutdown deadline passed", retryAfter: nil) }
            timeout = min(timeout, left)
        }
        return await transport.post([UInt8](body), timeout: timeout)
    }
}
