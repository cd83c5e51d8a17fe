public import FirehoseSync

/// Totals of a pipeline run.
public struct PipelineSummary: Sendable {
    /// Frames processed.
    public var events = 0
    /// `#commit` frames processed.
    public var commits = 0
    /// Counts by outcome and reason, keyed by the enums (the keys' strings are built only when asked for).
    var tally: [OutcomeKey: Int] = [:]
    /// Wall time of the run in seconds.
    public var seconds: Double = 0
    /// The part of it spent working (``ActiveTime``: waits for input of over a second left out), in seconds.
    public var activeSeconds: Double = 0
    /// Seq jumps of more than one seen by the stream-order check (relays skip seqs; counted, not refused).
    public var seqGaps = 0
    /// Frames refused by the stream-order check for a duplicate or lower seq (`ignored`, `stale-rev`).
    public var seqRegressions = 0
    /// The last cursor position written.
    public var lastCursor: Int64?
    /// Resync totals (all zero without a ``ResyncCoordinator``).
    public var resyncs = ResyncCounts()

    /// Creates an empty summary.
    public init() {}

    /// An outcome and its reason (nil for verified/applied).
    struct OutcomeKey: Hashable, Sendable {
        var outcome: Outcome
        var reason: Reason?
    }

    mutating func count(_ line: OutcomeLine) {
        events += 1
        if line.type == .commit { commits += 1 }
        tally[OutcomeKey(outcome: line.outcome, reason: line.reason), default: 0] += 1
    }

    /// Counts by outcome.
    public var byOutcome: [Outcome: Int] {
        tally.reduce(into: [:]) { counts, entry in counts[entry.key.outcome, default: 0] += entry.value }
    }
    /// Counts by reason.
    public var byReason: [Reason: Int] {
        tally.reduce(into: [:]) { counts, entry in
            if let reason = entry.key.reason { counts[reason, default: 0] += entry.value }
        }
    }
    /// Counts by outcome, then reason (`nil` reason for verified/applied).
    public var byOutcomeAndReason: [String: Int] {
        tally.reduce(into: [:]) { counts, entry in
            counts[entry.key.outcome.rawValue + (entry.key.reason.map { "/" + $0.rawValue } ?? ""), default: 0] += entry.value
        }
    }

    /// The time the rates are computed over: the active time, or the wall time when too little was measured to tell
    /// (a run of one chunk).
    public var rateSeconds: Double { activeSeconds >= 0.001 ? activeSeconds : seconds }
    /// Events per second of active time.
    public var eventsPerSecond: Double { rateSeconds > 0 ? Double(events) / rateSeconds : 0 }
    /// Commits per second of active time.
    public var commitsPerSecond: Double { rateSeconds > 0 ? Double(commits) / rateSeconds : 0 }
}
