/// A token bucket as a pure value: ``rate`` tokens per second accrue up to ``burst``; each request
/// takes one. Time is passed in (seconds on any monotonic scale), so behaviour is deterministic
/// under test.
///
/// A request that finds no whole token reserves the next one (the balance goes negative) and is told
/// how long to wait, so waiting callers are served in order at exactly the rate; one that would wait
/// longer than its limit is refused without reserving anything.
public struct TokenBucket: Hashable, Sendable {
    /// Tokens added per second.
    public let rate: Double
    /// The most tokens held (requests allowed at once after a quiet period).
    public let burst: Double
    /// The current balance (negative while requests wait for reserved tokens).
    public private(set) var tokens: Double
    private var updatedAt: Double?

    /// A full bucket. `rate` must be positive; `burst` is at least 1.
    public init(rate: Double, burst: Int) {
        self.rate = max(rate, .leastNonzeroMagnitude)
        self.burst = Double(max(1, burst))
        self.tokens = self.burst
    }

    /// Takes a token at time `now`: returns how many seconds the caller must wait before its request
    /// (0 when a token was available), or nil, taking nothing, when the wait would exceed `maxWait`.
    public mutating func reserve(at now: Double, maxWait: Double) -> Double? {
        refill(at: now)
        let wait = tokens >= 1 ? 0 : (1 - tokens) / rate
        guard wait <= maxWait else { return nil }
        tokens -= 1
        return wait
    }

    /// Whether the bucket is full at `now` (it then behaves like a new one and can be dropped).
    public mutating func isFull(at now: Double) -> Bool {
        refill(at: now)
        return tokens >= burst
    }

    private mutating func refill(at now: Double) {
        if let updatedAt, now > updatedAt {
            tokens = min(burst, tokens + (now - updatedAt) * rate)
        }
        if updatedAt.map({ now > $0 }) ?? true { updatedAt = now }
    }
}
