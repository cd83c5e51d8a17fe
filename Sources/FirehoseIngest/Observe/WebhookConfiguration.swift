public import FirehoseSync

/// Settings of a ``WebhookSender``.
public struct WebhookConfiguration: Sendable {
    /// The http(s) URL alerts are POSTed to.
    public var url: String
    /// Alerts held at most while the receiver is slow or down; when full, the oldest is dropped (and counted).
    public var capacity: Int
    /// Alerts per POST at most.
    public var batchSize: Int
    /// Attempts per batch (the first one included) before it is dropped.
    public var maxAttempts: Int
    /// Waits between attempts (exponential with full jitter; a `Retry-After` is honoured up to `backoff.cap`).
    public var backoff: Backoff
    /// Time limit of one POST (connect, send, answer).
    public var requestTimeout: Duration
    /// On shutdown, how long queued alerts may still be delivered before the rest is dropped.
    public var shutdownDeadline: Duration

    /// Creates a configuration (defaults: 10,000 alerts, batches of 100, 8 attempts from 0.5 s doubling up to
    /// 60 s, 10 s per POST, 5 s to flush on shutdown).
    public init(url: String, capacity: Int = 10_000, batchSize: Int = 100, maxAttempts: Int = 8,
                backoff: Backoff = Backoff(base: .milliseconds(500), cap: .seconds(60)),
                requestTimeout: Duration = .seconds(10), shutdownDeadline: Duration = .seconds(5)) {
        self.url = url
        self.capacity = max(1, capacity)
        self.batchSize = max(1, batchSize)
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.requestTimeout = requestTimeout
        self.shutdownDeadline = shutdownDeadline
    }
}
