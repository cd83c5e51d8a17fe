/// Settings of a ``ResyncCoordinator`` (Docs/SPEC.md §7.5).
public struct ResyncConfiguration: Sendable, Hashable {
    /// How many repositories are fetched at once.
    public var concurrency: Int
    /// Fetch attempts per account before it is left desynchronized (until the next start).
    public var maxAttempts: Int
    /// The wait after the first failure; doubled after each further one.
    public var initialBackoff: Duration
    /// The longest wait between attempts.
    public var maxBackoff: Duration
    /// The most accounts waiting for a resync at once; more are left desynchronized (and logged).
    public var maxPending: Int
    /// The most events kept per account while its resync runs (Docs/CONTRACT.md §3 step 3: queued); more are dropped
    /// (the account then resynchronizes again if the fetched repository does not cover them).
    public var maxQueuedPerAccount: Int
    /// The most frame bytes kept in all queues together.
    public var maxQueuedBytes: Int

    /// A configuration.
    public init(concurrency: Int = 4, maxAttempts: Int = 5, initialBackoff: Duration = .seconds(5),
                maxBackoff: Duration = .seconds(600), maxPending: Int = 100_000, maxQueuedPerAccount: Int = 256,
                maxQueuedBytes: Int = 64 << 20) {
        self.concurrency = max(1, concurrency)
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxPending = max(1, maxPending)
        self.maxQueuedPerAccount = max(0, maxQueuedPerAccount)
        self.maxQueuedBytes = max(0, maxQueuedBytes)
    }

    /// The wait after `failures` failed attempts (1, 2, …): `initialBackoff · 2^(failures-1)`, capped.
    public func backoff(afterFailures failures: Int) -> Duration {
        var wait = initialBackoff
        var n = 1
        while n < failures && wait < maxBackoff {
            wait = wait * 2
            n += 1
        }
        return min(wait, maxBackoff)
    }
}

/// Resync totals of a pipeline run (also logged one by one with `resync.result`).
public struct ResyncCounts: Sendable, Hashable {
    /// Accounts a resync (or mirror backfill) was scheduled for.
    public var scheduled = 0
    /// Fetch attempts started.
    public var started = 0
    /// Repositories fetched, verified and applied as the new base.
    public var succeeded = 0
    /// Attempts that failed (fetch or verification); each is retried after a backoff until the cap.
    public var failed = 0
    /// Accounts given up on after the last attempt (left desynchronized).
    public var gaveUp = 0
    /// Accounts refused because too many were already waiting.
    public var refused = 0
    /// Resyncs dropped because a later `#sync` or commit brought the account back to `synchronized`.
    public var cancelled = 0
    /// Events held during a resync and applied after the new base (they chained).
    public var queuedApplied = 0
    /// Events held during a resync and dropped (not newer than the fetched repository, did not chain, or over
    /// the queue bounds).
    public var queuedDropped = 0

    /// No resync activity.
    public init() {}
}
