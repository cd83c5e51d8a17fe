
/// Per-host request budgets for identity look-ups (Docs/SPEC.md §11: "rate-limit PLC and did:web requests
/// per host, since they amplify traffic"): one ``TokenBucket`` per host.
///
/// ``acquire(host:)`` waits for the host's next token; a request that would wait longer than
/// ``maxWait`` fails with `rate-limited` instead of queueing without bound. Idle (full) buckets are
/// dropped when more than ``maxHosts`` are held.
public actor HostRateLimiter {
    /// The budget of one host.
    public struct Limit: Hashable, Sendable {
        /// Requests per second, sustained.
        public var perSecond: Double
        /// Requests allowed at once after a quiet period.
        public var burst: Int

        /// A limit.
        public init(perSecond: Double, burst: Int) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    /// The budget of hosts without an override.
    public nonisolated let defaultLimit: Limit
    /// Budgets by host (e.g. a higher one for the PLC directory).
    public nonisolated let overrides: [String: Limit]
    /// The longest a request waits for a token.
    public nonisolated let maxWait: Duration
    /// How many buckets are kept before idle ones are dropped.
    public nonisolated let maxHosts: Int
    private var buckets: [String: TokenBucket] = [:]
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    /// A limiter.
    public init(defaultLimit: Limit, overrides: [String: Limit] = [:], maxWait: Duration, maxHosts: Int = 10_000) {
        self.defaultLimit = defaultLimit
        self.overrides = overrides
        self.maxWait = maxWait
        self.maxHosts = max(1, maxHosts)
        self.origin = clock.now
    }

    /// Waits until a request to `host` is within budget; `rate-limited` when that would take longer
    /// than ``maxWait``, `timeout` when cancelled while waiting.
    public nonisolated func acquire(host: String) async throws(NetError) {
        let wait = try await reserve(host: host)
        guard wait > 0 else { return }
        do {
            try await Task.sleep(for: .seconds(wait))
        } catch {
            throw NetError(.fetchTimeout, "cancelled while waiting for the request budget of \(host)")
        }
    }

    /// Takes a token for `host` now, returning the seconds to wait before using it.
    func reserve(host: String) throws(NetError) -> Double {
        let now = (clock.now - origin) / .seconds(1)
        var bucket = buckets[host] ?? {
            let limit = overrides[host] ?? defaultLimit
            return TokenBucket(rate: limit.perSecond, burst: limit.burst)
        }()
        guard let wait = bucket.reserve(at: now, maxWait: maxWait / .seconds(1)) else {
            buckets[host] = bucket
            throw NetError(.rateLimited, "more than the request budget for \(host) is waiting")
        }
        buckets[host] = bucket
        if buckets.count > maxHosts {
            buckets = buckets.filter { entry in
                var copy = entry.value
                return entry.key == host || !copy.isFull(at: now)
            }
        }
        return wait
    }

    /// The number of hosts with a bucket.
    public var hostCount: Int { buckets.count }
}
