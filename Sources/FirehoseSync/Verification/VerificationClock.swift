/// The time a verification runs at, passed in so domain code never reads a clock.
public struct VerificationTime: Sendable, Hashable {
    /// Microseconds since the Unix epoch.
    public var micros: Int64

    /// Creates a time.
    public init(micros: Int64) { self.micros = micros }

    /// How far a rev may be ahead of `now` before it is refused (5 minutes; Docs/SPEC.md §7.2).
    public static let futureRevTolerance: Int64 = 5 * 60 * 1_000_000
}
