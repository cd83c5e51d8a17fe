/// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): the n-th
/// consecutive failure waits a uniformly random time in `0 ... min(cap, base · 2ⁿ)`. A server's `Retry-After`
/// replaces the draw when it is longer.
public struct Backoff: Sendable {
    /// The ceiling of the first wait.
    public var base: Duration
    /// The largest wait.
    public var cap: Duration
    /// Consecutive failures so far.
    public private(set) var failures = 0
    /// Returns a number in 0...1 (injected for deterministic tests).
    let random: @Sendable () -> Double

    /// Creates a backoff (defaults: 1 s doubling up to 5 minutes).
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        self.base = base
        self.cap = cap
        self.random = random
    }

    /// The ceiling of the next wait.
    public var ceiling: Duration {
        let exponent = min(failures, 30)
        let scaled = base * (1 << exponent)
        return scaled > cap ? cap : scaled
    }

    /// Counts a failure and returns how long to wait before the next attempt (at least `minimum`).
    public mutating func nextDelay(minimum: Duration = .zero) -> Duration {
        let drawn = ceiling * min(1, max(0, random()))
        failures += 1
        return drawn > minimum ? drawn : minimum
    }

    /// Forgets past failures (after a connection that delivered frames).
    public mutating func reset() { failures = 0 }

    /// A delay for people: seconds with one decimal (`0.7 s`, `12.0 s`).
    public static func delayText(_ delay: Duration) -> String {
        let (seconds, attoseconds) = delay.components
        let tenths = Int64(((Double(seconds) + Double(attoseconds) / 1e18) * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10)) s"
    }
}
