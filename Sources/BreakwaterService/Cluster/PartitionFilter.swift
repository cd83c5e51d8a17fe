package import FirehoseSync
import Synchronization

/// Lets through the frames of one partition (Docs/CONTRACT.md, "Partitions"), judged on the header peek alone: the
/// DID of `#commit`, `#sync`, `#identity` and `#account`; a frame without one (an `#info`, an error frame, an
/// undecodable frame) belongs to partition 0. The frames of other partitions never reach the pipeline: no outcome
/// line, only a count.
package final class PartitionFilter: Sendable {
    /// The partition kept.
    package let partition: Partition
    private let skippedCount = Atomic<Int>(0)
    private let onSkip: @Sendable () -> Void

    /// A filter keeping `partition`, calling `onSkip` for each frame passed over (e.g. the progress tally).
    package init(partition: Partition, onSkip: @escaping @Sendable () -> Void = {}) {
        self.partition = partition
        self.onSkip = onSkip
    }

    /// Whether `frame` belongs to the partition; counts it as skipped when it does not.
    package func admits(_ frame: IncomingFrame) -> Bool {
        if partition.isWhole { return true }
        let peek = frame.peek ?? FramePeek(frame.bytes)
        if partition.owns(did: peek.did) { return true }
        skippedCount.add(1, ordering: .relaxed)
        onSkip()
        return false
    }

    /// Frames of other partitions passed over so far.
    package var skipped: Int { skippedCount.load(ordering: .relaxed) }
}
