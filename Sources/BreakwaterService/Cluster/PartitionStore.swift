package import FirehoseSync

/// The pipeline's view of the store in a partitioned or leased run: the cursor read and written is that of
/// (upstream, partition), and every write carries the current lease as its fence. A write after the lease was lost
/// is refused with `lease-lost` before it reaches the store, and a write the store refuses with `lease-lost` makes
/// the holder forget the lease.
package struct PartitionStore: StateStore {
    /// The real store.
    package let base: any StateStore
    /// The partition whose cursor is read and written.
    package let partition: Partition
    /// The lease every write is fenced by (nil: no lease, e.g. on SQLite).
    package let lease: LeaseHolder?

    /// A view of `base` for `partition`, fenced by `lease` when given.
    package init(base: any StateStore, partition: Partition, lease: LeaseHolder?) {
        self.base = base
        self.partition = partition
        self.lease = lease
    }

    package func accounts(_ dids: [String]) throws -> [String: AccountState] {
        try base.accounts(dids)
    }

    /// The cursor of this view's partition.
    package func cursor(upstream: String) throws -> Int64? {
        try base.cursor(upstream: upstream, partition: partition)
    }

    package func cursor(upstream: String, partition: Partition) throws -> Int64? {
        try base.cursor(upstream: upstream, partition: partition)
    }

    package func write(_ batch: StoreBatch) throws {
        var fenced = batch
        fenced.partition = partition
        if let lease {
            guard let current = lease.current else {
                throw FirehoseSyncError(.leaseLost, "the lease of partition \(partition) of \(lease.key.upstream) was lost; nothing more is written")
            }
            fenced.fence = current
        }
        do {
            try base.write(fenced)
        } catch {
            guard let lost = LeaseLoss.recognise(error) else { throw error }
            lease?.markLost()
            throw lost
        }
    }
}
