/// When a cached identity look-up may be reused, as a pure value: every decision is a function of the
/// cached entry and the current time (µs since the Unix epoch), so it is deterministic under test.
///
/// Defaults follow indigo's cache directory (Docs/SPEC.md §11): successes live 24 h, failures 2 min,
/// 250,000 entries.
public struct IdentityCachePolicy: Hashable, Sendable {
    /// How long a successful resolution is reused.
    public var successTTL: Duration
    /// How long a failed resolution is reused before trying again.
    public var failureTTL: Duration
    /// The most entries kept; the least recently used go first.
    public var capacity: Int
    /// After a signature failure, an entry fetched less than this long ago is not fetched again (the
    /// default, zero, always re-resolves once, as the contract asks; raise it to damp amplification).
    public var refreshCooldown: Duration

    /// The default policy.
    public static let standard = IdentityCachePolicy()

    /// Creates a policy.
    public init(successTTL: Duration = .seconds(24 * 3600), failureTTL: Duration = .seconds(120),
                capacity: Int = 250_000, refreshCooldown: Duration = .zero) {
        self.successTTL = successTTL
        self.failureTTL = failureTTL
        self.capacity = max(1, capacity)
        self.refreshCooldown = refreshCooldown
    }

    /// A cached outcome of resolving a DID.
    public struct Entry: Hashable, Sendable {
        /// The identity, or why resolution failed.
        public let result: Result<ResolvedIdentity, ATIdentityError>
        /// When it was stored, µs since the epoch.
        public let storedAt: Int64

        /// Creates an entry.
        public init(result: Result<ResolvedIdentity, ATIdentityError>, storedAt: Int64) {
            self.result = result
            self.storedAt = storedAt
        }

        /// Whether the resolution succeeded.
        public var isSuccess: Bool {
            if case .success = result { return true }
            return false
        }
    }

    /// When `entry` stops being usable, µs since the epoch.
    public func expiry(of entry: Entry) -> Int64 {
        entry.storedAt.addingReportingOverflow(IdentityCachePolicy.microseconds(entry.isSuccess ? successTTL : failureTTL)).partialValue
    }

    /// Whether `entry` may be used at `now`.
    public func isFresh(_ entry: Entry, now: Int64) -> Bool {
        now >= entry.storedAt && now < expiry(of: entry)
    }

    /// Whether, after a signature failed with the key from `entry`, the DID should be resolved again
    /// (true unless the entry is a success younger than ``refreshCooldown``).
    public func shouldRefreshAfterSignatureFailure(_ entry: Entry?, now: Int64) -> Bool {
        guard let entry, entry.isSuccess else { return true }
        return now - entry.storedAt >= IdentityCachePolicy.microseconds(refreshCooldown)
    }

    /// A duration in whole microseconds (saturating).
    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000).partialValue
    }
}
