/// Relay health figures of one upstream, as increments (a store batch) or totals (the database): sequence
/// gaps and duplicates, reconnects, and the lag between an event's `time` and its receipt.
public struct RelayHealthDelta: Sendable, Hashable {
    /// Upper bounds (ms, exclusive) of the lag buckets after the first (negative lag: `time` in the future);
    /// the last bucket holds everything at or above the last bound.
    public static let lagBucketBoundsMillis: [Int64] = [1_000, 5_000, 30_000, 300_000]
    /// Labels of the lag buckets, in order.
    public static let lagBucketLabels = ["< 0 (time ahead)", "< 1 s", "< 5 s", "< 30 s", "< 5 min", "≥ 5 min"]

    /// Frames received.
    public var frames: Int64 = 0
    /// Seq jumps of more than one.
    public var gaps: Int64 = 0
    /// Seqs skipped in those jumps.
    public var missingSeqs: Int64 = 0
    /// Frames whose seq was not above the previous one.
    public var duplicates: Int64 = 0
    /// Times the stream resumed on a new connection.
    public var reconnects: Int64 = 0
    /// Frames with a usable `time` received live (the lag figures below count these).
    public var lagCount: Int64 = 0
    /// Frames received live whose `time` is more than a day before their receipt: a served recording or a backfill,
    /// counted apart and kept out of the lag figures, which are about live delivery.
    public var backfillEvents: Int64 = 0
    /// The age beyond which an event counts as backfill rather than live delivery.
    public static let backfillAgeMillis: Int64 = 86_400_000
    /// Sum of lags in milliseconds.
    public var lagSumMillis: Int64 = 0
    /// The largest lag in milliseconds.
    public var lagMaxMillis: Int64 = 0
    /// Counts per lag bucket (``lagBucketLabels``).
    public var lagBuckets: [Int64] = Array(repeating: 0, count: 6)
    /// Receipt time of the first and last frame counted (µs since the epoch).
    public var firstSeenMicros: Int64?
    /// Receipt time of the last frame counted.
    public var lastSeenMicros: Int64?
    /// The last seq seen.
    public var lastSeq: Int64?

    /// Creates empty figures.
    public init() {}

    /// Whether nothing was counted.
    public var isEmpty: Bool { frames == 0 }

    /// The mean lag in milliseconds, when any was measured.
    public var meanLagMillis: Double? { lagCount > 0 ? Double(lagSumMillis) / Double(lagCount) : nil }

    /// Counts one lag measurement, or a backfill event when the lag exceeds ``backfillAgeMillis``.
    public mutating func addLag(millis: Int64) {
        if millis > RelayHealthDelta.backfillAgeMillis {
            backfillEvents += 1
            return
        }
        lagCount += 1
        lagSumMillis &+= millis
        lagMaxMillis = max(lagMaxMillis, millis)
        lagBuckets[RelayHealthDelta.bucket(ofLagMillis: millis)] += 1
    }

    /// The bucket index of a lag.
    public static func bucket(ofLagMillis millis: Int64) -> Int {
        if millis < 0 { return 0 }
        for (i, bound) in lagBucketBoundsMillis.enumerated() where millis < bound { return i + 1 }
        return lagBucketBoundsMillis.count + 1
    }
}
