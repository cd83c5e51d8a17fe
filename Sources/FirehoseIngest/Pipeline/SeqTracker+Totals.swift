import FirehoseSync
import Synchronization

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
