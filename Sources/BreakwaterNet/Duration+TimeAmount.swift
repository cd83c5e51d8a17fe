import NIOCore

extension TimeAmount {
    /// `duration` as a NIO time amount, saturating at the largest amount instead of overflowing.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(nanos.overflow ? .max : nanos.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}
