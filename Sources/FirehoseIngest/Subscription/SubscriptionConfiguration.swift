/// Settings of a ``FirehoseSubscription``.
public struct SubscriptionConfiguration: Sendable {
    /// The endpoint.
    public var relay: RelayURL
    /// The largest WebSocket frame and message accepted (SPEC.md §1: 5 MB; indigo uses 5 MiB).
    public var maxFrameSize: Int
    /// Ping period; a connection whose pong does not arrive before the next ping is closed, so a dead
    /// connection is noticed within two periods (the read timeout).
    public var pingInterval: Duration
    /// How long to wait for the server's close frame after ours.
    public var closeTimeout: Duration
    /// Reconnect delays.
    public var backoff: Backoff
    /// Consecutive attempts that deliver no frame before giving up with an operational error (nil: never).
    public var maxConsecutiveFailures: Int?
    /// How long the diagnosis of a refused upgrade may take.
    public var probeTimeout: Duration

    /// Creates a configuration with the defaults of SPEC.md §1.
    public init(relay: RelayURL, maxFrameSize: Int = 5 * 1024 * 1024, pingInterval: Duration = .seconds(30),
                closeTimeout: Duration = .seconds(2), backoff: Backoff = Backoff(), maxConsecutiveFailures: Int? = 10,
                probeTimeout: Duration = .seconds(10)) {
        self.relay = relay
        self.maxFrameSize = maxFrameSize
        self.pingInterval = pingInterval
        self.closeTimeout = closeTimeout
        self.backoff = backoff
        self.maxConsecutiveFailures = maxConsecutiveFailures
        self.probeTimeout = probeTimeout
    }
}

/// How a subscription run ended (fatal conditions are thrown as ``IngestError``).
public struct SubscriptionResult: Sendable {
    /// Why it stopped.
    public enum End: Sendable, Equatable {
        /// The consumer asked to stop (event limit).
        case stopped
        /// The task was cancelled (shutdown, duration limit).
        case cancelled
        /// The upstream sent `FutureCursor` after frames had already been processed.
        case futureCursor(String?)
    }

    /// Why it stopped.
    public var end: End
    /// Frames handed to the consumer.
    public var frames: Int
    /// The highest seq handed to the consumer.
    public var lastSeq: Int64?
    /// Connections opened (successful upgrades).
    public var connections: Int
}
