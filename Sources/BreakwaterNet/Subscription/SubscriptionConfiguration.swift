public import FirehoseSync

/// Settings of a ``FirehoseSubscription``.
public struct SubscriptionConfiguration: Sendable {
    /// The endpoint.
    public var relay: RelayURL
    /// The largest WebSocket frame and message accepted (Docs/SPEC.md §1: 5 MB; indigo uses 5 MiB).
    public var maxFrameSize: Int
    /// Period of the client's pings.
    public var pingInterval: Duration
    /// A connection on which nothing (no frame, no pong) arrived for this long is dropped and re-established
    /// (time the consumer spends on a frame does not count: that is backpressure, not silence).
    public var readTimeout: Duration
    /// Connect, TLS and the WebSocket upgrade of one attempt must finish within this.
    public var handshakeTimeout: Duration
    /// Reconnect delays.
    public var backoff: Backoff
    /// Consecutive attempts that deliver no frame before giving up with an operational error (nil: never).
    public var maxConsecutiveFailures: Int?
    /// A PEM file of certificates trusted for `wss://` besides the system's roots (a private CA); certificates
    /// and host names are always checked.
    public var additionalTrustRoots: String? = nil
    /// The most frames handed to the consumer in one batch (the frames of one socket read, up to this many).
    public var batchFrames: Int = 256
    /// The most bytes handed to the consumer in one batch (a single larger frame travels alone).
    public var batchBytes: Int = 1024 * 1024

    /// Creates a configuration with the defaults of Docs/SPEC.md §1 (pings every 30 s, dropped after 60 s of silence,
    /// 15 s for a handshake).
    public init(relay: RelayURL, maxFrameSize: Int = 5 * 1024 * 1024, pingInterval: Duration = .seconds(30),
                readTimeout: Duration = .seconds(60), handshakeTimeout: Duration = .seconds(15),
                backoff: Backoff = Backoff(), maxConsecutiveFailures: Int? = 10, additionalTrustRoots: String? = nil) {
        self.additionalTrustRoots = additionalTrustRoots
        self.relay = relay
        self.maxFrameSize = maxFrameSize
        self.pingInterval = pingInterval
        self.readTimeout = readTimeout
        self.handshakeTimeout = handshakeTimeout
        self.backoff = backoff
        self.maxConsecutiveFailures = maxConsecutiveFailures
    }
}
