import FirehoseIngest
package import FirehoseSync
package import Logging
import Synchronization

/// Running counts for progress lines (fed from the pipeline's outcome callback).
package final class LiveTally: Sendable {
    package struct Snapshot {
        package var events = 0
        package var commits = 0
        package var outcomes: [Outcome: Int] = [:]
        package var cursor: Int64?
        /// Frames of other partitions passed over (a partitioned run).
        package var skipped = 0
        package var at = ContinuousClock.now

        /// The progress line's figures as log metadata (`progress.events`, `progress.commits_per_second`, one key per
        /// outcome, `progress.cursor`), for a JSON log record.
        package func progressMetadata(since previous: Snapshot) -> Logger.Metadata {
            let elapsed = at - previous.at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Double(commits - previous.commits) / seconds : 0
            var metadata: Logger.Metadata = ["progress.events": .stringConvertible(events),
                                             "progress.commits_per_second": .stringConvertible(Int(rate.rounded()))]
            for outcome in Outcome.allCases { if let count = outcomes[outcome] { metadata["progress.\(outcome.rawValue)"] = .stringConvertible(count) } }
            if skipped > 0 { metadata["progress.skipped"] = .stringConvertible(skipped) }
            if let cursor { metadata["progress.cursor"] = .stringConvertible(cursor) }
            return metadata
        }

        package func progressLine(since previous: Snapshot) -> String {
            let elapsed = at - previous.at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Double(commits - previous.commits) / seconds : 0
            let counts = Outcome.allCases.compactMap { outcome in outcomes[outcome].map { "\(outcome.rawValue) \($0)" } }
            let skips = skipped > 0 ? ["skipped \(groupedDigits(skipped))"] : []
            return (["\(groupedDigits(events)) events", "\(groupedDigits(Int(rate.rounded()))) commits/s"] + counts + skips
                + ["cursor \(cursor.map(String.init) ?? "none")"]).joined(separator: ", ")
        }
    }
    private let state = Mutex(Snapshot())

    /// An empty tally.
    package init() {}

    /// Shows `cursor` (the stored or given start) as the cursor until an event with a seq arrives.
    package func start(at cursor: Int64?) {
        state.withLock { s in if s.cursor == nil { s.cursor = cursor } }
    }

    package func count(_ line: OutcomeLine) {
        state.withLock { s in
            s.events += 1
            if line.type == .commit { s.commits += 1 }
            s.outcomes[line.outcome, default: 0] += 1
            if let seq = line.seq { s.cursor = max(s.cursor ?? seq, seq) }
        }
    }

    /// Counts a frame of another partition, passed over without an outcome.
    package func countSkipped() {
        state.withLock { s in s.skipped += 1 }
    }

    /// Counts a frame as received, without verification (`record`): events, commits, and the seq as cursor.
    package func count(_ frame: IncomingFrame) {
        let peek = frame.peek ?? FramePeek(frame.bytes)
        state.withLock { s in
            s.events += 1
            if peek.type == "#commit" { s.commits += 1 }
            if let seq = peek.seq { s.cursor = max(s.cursor ?? seq, seq) }
        }
    }

    package func snapshot() -> Snapshot {
        state.withLock { s in
            var copy = s
            copy.at = .now
            return copy
        }
    }
}
