/// The time a run spent working rather than waiting: the sum of the intervals between consecutive stored results,
/// leaving out every interval longer than ``idleThreshold`` (a quiet stream, a reconnect, a pause before the first
/// frame). Rates people read are computed over it, so a consume that idled for a minute does not report a tenth of
/// its real speed.
package struct ActiveTime {
    /// An interval without results longer than this is idle, not work.
    package static let idleThreshold: Duration = .seconds(1)

    private var last: ContinuousClock.Instant?
    private var total: Duration = .zero

    /// No time yet.
    package init() {}

    /// Notes that results were stored at `now`.
    package mutating func mark(_ now: ContinuousClock.Instant = .now) {
        if let last {
            let gap = now - last
            if gap <= ActiveTime.idleThreshold { total += gap }
        }
        last = now
    }

    /// The active time in seconds.
    package var seconds: Double {
        Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
    }
}
