public import FirehoseSync
import Synchronization

/// Stream-order check (SPEC.md §2): a frame whose seq is not above the previous seq is not processed.
/// It is reported as `ignored` (`stale-rev`: an event the stream already delivered), with the seqs in `detail`.
/// Gaps are counted, not refused: relays skip seqs.
public struct SeqTracker: Sendable {
    /// The highest seq seen.
    public private(set) var last: Int64?
    /// Frames refused for a duplicate or lower seq.
    public private(set) var regressions = 0
    /// Seq jumps of more than one.
    public private(set) var gaps = 0

    /// Creates a tracker, optionally continuing from a known seq.
    public init(last: Int64? = nil) { self.last = last }

    /// Passes `event` through, or turns it into an `ignored` outcome when its seq does not advance.
    public mutating func check(_ event: DecodedEvent) -> DecodedEvent {
        guard case .message(let message, let index, let bytes) = event, let seq = message.seq else { return event }
        if let last, seq <= last {
            regressions += 1
            let type: EventType
            switch message {
            case .commit: type = .commit
            case .sync: type = .sync
            case .identity, .handle: type = .identity
            case .account, .migrate, .tombstone: type = .account
            default: type = .unknown
            }
            var rev: String? = nil
            if case .commit(let commit) = message { rev = commit.rev }
            if case .sync(let sync) = message { rev = sync.rev }
            let line = OutcomeLine(index: index, seq: seq, type: type, did: message.did, rev: rev, outcome: .ignored,
                                   reason: .staleRev, detail: "seq \(seq) is not above the previous seq \(last)")
            return .final(line, frameBytes: bytes)
        }
        if let last, seq > last + 1 { gaps += 1 }
        last = seq
        return event
    }
}

extension SeqTracker {
    /// A tracker's counts handed from the pipeline's reader to the run's summary.
    final class Totals: Sendable {
        private let counts = Mutex((gaps: 0, regressions: 0))

        /// Keeps `tracker`'s counts.
        func store(_ tracker: SeqTracker) { counts.withLock { $0 = (tracker.gaps, tracker.regressions) } }

        /// Gaps and regressions stored.
        var value: (gaps: Int, regressions: Int) { counts.withLock { $0 } }
    }
}
