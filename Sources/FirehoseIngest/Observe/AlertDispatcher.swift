public import FirehoseAudit
public import FirehoseSync
public import Logging

/// Turns stored outcome lines and relay divergences into alerts (``Alert``): a log line each, a webhook delivery
/// when a ``WebhookSender`` is attached, and a count in ``BreakwaterMetricNames/alerts`` or
/// ``BreakwaterMetricNames/relayDivergences``.
///
/// ``handle(_:)`` never waits: it is called on the pipeline's writer after each batch is stored.
public struct AlertDispatcher: Sendable {
    /// The host named in every alert.
    public let host: String
    let logger: Logger
    let webhook: WebhookSender?
    let metrics: IngestMetrics
    let now: @Sendable () -> Int64

    /// Creates a dispatcher. `now` gives µs since the Unix epoch.
    public init(host: String, logger: Logger, webhook: WebhookSender?, metrics: IngestMetrics = IngestMetrics(),
                now: @escaping @Sendable () -> Int64) {
        self.host = host
        self.logger = logger
        self.webhook = webhook
        self.metrics = metrics
        self.now = now
    }

    /// Raises an alert for `line` when its outcome is `rejected` or `desynchronized`; returns it.
    @discardableResult
    public func handle(_ line: OutcomeLine) -> Alert? {
        guard let alert = Alert(line: line, host: host, processedAt: now()) else { return nil }
        metrics.alert(line.outcome)
        logger.warning(line.outcome == .rejected ? "event rejected" : "account desynchronized", metadata: alert.logMetadata)
        webhook?.enqueue(alert)
        return alert
    }

    /// Raises an alert for a divergence between two relays (log line, webhook, ``BreakwaterMetricNames/relayDivergences``).
    @discardableResult
    public func handle(_ divergence: RelayDivergence) -> Alert {
        let alert = Alert(divergence: divergence, processedAt: now())
        metrics.relayDivergence(divergence)
        logger.warning("relay divergence", metadata: alert.logMetadata)
        webhook?.enqueue(alert)
        return alert
    }
}
