public import FirehoseSync

/// Settings of a ``VerificationPipeline``.
public struct PipelineConfiguration: Sendable {
    /// Number of verification workers (events of one account always go to the same worker).
    public var workers: Int
    /// The verification policy.
    public var policy: VerificationPolicy
    /// Events per store transaction.
    public var batchSize: Int
    /// Events per hand-off between pipeline stages.
    public var chunkSize: Int
    /// The most frames between reading and writing (the reorder buffer's bound): how far the stream may run
    /// ahead of an account that waits for its signing key.
    public var window: Int
    /// The most bytes of frames between reading and writing (a frame larger than this passes alone).
    public var windowBytes: Int
    /// Also write a partial batch once this long has passed since the last write (live streams with low
    /// rates); nil: only full batches and the final one.
    public var flushInterval: Duration?
    /// The cursor key in the store (e.g. the relay URL, or `file:` + recording path).
    public var upstream: String
    /// The clock, in microseconds since the Unix epoch (injected for deterministic tests).
    public var now: @Sendable () -> Int64
    /// Mirrored accounts and the collections each keeps (loaded from the store at start): their verified commits
    /// become mirror updates in the same store transaction as the account state (Docs/CONTRACT.md §3 step 10).
    public var mirrors: [String: MirrorFilter]

    /// Creates a configuration.
    public init(workers: Int, policy: VerificationPolicy = .strict, batchSize: Int = 1000, chunkSize: Int = 128,
                upstream: String, flushInterval: Duration? = nil, mirrors: [String: MirrorFilter] = [:], window: Int = 4096,
                windowBytes: Int = 64 << 20, now: @escaping @Sendable () -> Int64) {
        self.workers = max(1, workers)
        self.policy = policy
        self.batchSize = max(1, batchSize)
        self.chunkSize = max(1, chunkSize)
        self.window = max(1, window)
        self.windowBytes = max(1, windowBytes)
        self.upstream = upstream
        self.flushInterval = flushInterval
        self.mirrors = mirrors
        self.now = now
    }
}
