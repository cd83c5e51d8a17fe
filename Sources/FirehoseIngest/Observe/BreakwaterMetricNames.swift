/// The names and labels of every metric Breakwater records through swift-metrics (exported in the Prometheus
/// text format by `breakwater consume --metrics HOST:PORT`). One place, so that every part of the service
/// records under the same names and the README can list them.
///
/// Counters end in `_total`; durations are in seconds. A metric name always carries the same label names.
public enum BreakwaterMetricNames {
    /// Counter, labels `type`, `outcome`, `reason` (`none` when the outcome has no reason): events whose outcome
    /// is durably stored.
    public static let events = "breakwater_events_total"
    /// Counter: `#commit` events with the outcome `verified`.
    public static let commitsVerified = "breakwater_commits_verified_total"
    /// Timer (histogram, seconds): time to verify one event in a worker (state look-up, key, checks).
    public static let verificationDuration = "breakwater_verification_duration_seconds"
    /// Gauge, label `queue` (see ``Queue``): items waiting in one of the service's queues.
    public static let queueDepth = "breakwater_queue_depth"
    /// Gauge: the last cursor (relay seq) stored with the state.
    public static let cursor = "breakwater_cursor"
    /// Gauge (seconds): now minus the `time` field of the last stored event (how far behind the upstream).
    public static let upstreamLag = "breakwater_upstream_lag_seconds"
    /// Counter: reconnects to the upstream after a disconnect or failed attempt.
    public static let reconnects = "breakwater_reconnects_total"
    /// Counter: seq jumps of more than one in the stream (Docs/SPEC.md §2).
    public static let seqGaps = "breakwater_seq_gaps_total"
    /// Counter: frames whose seq does not advance (duplicates or lower), not processed.
    public static let seqDuplicates = "breakwater_seq_duplicates_total"
    /// Counter, label `result` (``ResyncResult``): account resyncs started, succeeded and failed.
    public static let resyncs = "breakwater_resyncs_total"
    /// Counter, label `result` (`hit` or `miss`): identity resolutions for a signing key answered by the identity
    /// cache (memory or database) or needing a network resolution (or a refresh after a signature failure).
    /// Failed resolutions count too (a cached failure is a hit). DIDs with static keys (`--identities`) are not counted.
    public static let identityCacheLookups = "breakwater_identity_cache_lookups_total"
    /// Counter, label `outcome` (`rejected` or `desynchronized`): alerts raised.
    public static let alerts = "breakwater_alerts_total"
    /// Counter, labels `relay` and `kind` (``RelayDivergence/Kind``): divergences between two relays compared live
    /// (`consume --relay A --relay B`), counted on the relay they are observed on.
    public static let relayDivergences = "breakwater_relay_divergences_total"
    /// Counter, label `result` (``WebhookResult``): webhook POST attempts.
    public static let webhookPosts = "breakwater_webhook_posts_total"
    /// Counter: alerts dropped before delivery to the webhook (queue full, retries exhausted, shutdown deadline).
    public static let webhookDropped = "breakwater_webhook_dropped_alerts_total"
    /// Counter, label `kind` (a ``ConformanceWarning`` code): conformance warnings on stored outcome lines (events
    /// verified or applied despite a deviation in unsigned metadata or a proof in another order of inversion).
    public static let warnings = "breakwater_warnings_total"

    /// Label names.
    public enum Label {
        /// Event type (`commit`, `sync`, …).
        public static let type = "type"
        /// Outcome (`verified`, `rejected`, …).
        public static let outcome = "outcome"
        /// Reason code, or `none`.
        public static let reason = "reason"
        /// The relay a divergence is observed on.
        public static let relay = "relay"
        /// The kind of a relay divergence.
        public static let kind = "kind"
        /// Queue name.
        public static let queue = "queue"
        /// Result of an operation.
        public static let result = "result"
    }

    /// Values of the `queue` label of ``queueDepth``.
    public enum Queue {
        /// Events read from the upstream and not yet stored (decoding, verification, reordering, batch).
        public static let inFlight = "in_flight"
        /// Verified events waiting for an earlier event before they can be written in order.
        public static let reorder = "reorder"
        /// Events in the store batch being filled.
        public static let batch = "batch"
        /// Alerts waiting for the webhook.
        public static let webhook = "webhook"
    }

    /// Values of the `result` label of ``resyncs``.
    public enum ResyncResult {
        /// A resync began.
        public static let started = "started"
        /// A resync made a verified repository the account's new base.
        public static let succeeded = "succeeded"
        /// A resync failed (download, verification); the account stays desynchronized.
        public static let failed = "failed"
    }

    /// Values of the `result` label of ``webhookPosts``.
    public enum WebhookResult {
        /// The receiver answered 2xx.
        public static let delivered = "delivered"
        /// The attempt failed and will be retried.
        public static let retried = "retried"
        /// The attempt failed for good (a 4xx answer, retries exhausted or the shutdown deadline).
        public static let failed = "failed"
    }

    /// Values of the `result` label of ``identityCacheLookups``.
    public enum CacheResult {
        /// Answered from the cache.
        public static let hit = "hit"
        /// Needed a resolution.
        public static let miss = "miss"
    }
}
