package import FirehoseSync

/// One (upstream, partition) as `status` shows it: its cursor, its rate over the last minute and its writer lease.
/// The text (``StatusText``) and the JSON (``StatusJSON``) both read these, so they show the same numbers.
package struct PartitionStatus: Sendable, Hashable {
    /// The upstream.
    package let upstream: String
    /// The partition (``Partition/whole`` for an unpartitioned run).
    package let partition: Partition
    /// The stored cursor; nil when only a lease is stored.
    package let cursor: Int64?
    /// Stream events per second the cursor moved over its rate window, rounded as the text prints it; nil while the
    /// window holds one write.
    package let eventsPerSecond: Int?
    /// The lease of this (upstream, partition), when the database keeps one.
    package let lease: Lease?

    /// Milliseconds until the lease expires at `nowMicros` (0 once expired; nil without a lease).
    package func leaseMillisLeft(nowMicros: Int64) -> Int64? {
        lease.map { max(0, ($0.expiresAt - nowMicros) / 1000) }
    }

    /// The rate as the text prints it: the rounded events per second, the raw figure when it has no integer form.
    static func roundedRate(_ rate: Double?) -> Int? {
        rate.flatMap { Int(exactly: $0.rounded()) }
    }

    /// Every (upstream, partition) with a cursor or a lease, ordered by upstream, partition count and index.
    package static func all(summary: StoreSummary, leases: [Lease]) -> [PartitionStatus] {
        var cursors: [LeaseKey: (position: Int64, rate: Double?)] = [:]
        for (name, position) in summary.cursors {
            let key = CursorKey.parse(name)
            cursors[LeaseKey(upstream: key.upstream, partition: key.partition)] = (position, summary.cursorRates[name])
        }
        var byKey: [LeaseKey: Lease] = [:]
        for lease in leases { byKey[lease.key] = lease }
        let keys = Set(cursors.keys).union(byKey.keys).sorted {
            ($0.upstream, $0.partition.count, $0.partition.index) < ($1.upstream, $1.partition.count, $1.partition.index)
        }
        return keys.map { key in
            PartitionStatus(upstream: key.upstream, partition: key.partition, cursor: cursors[key]?.position,
                            eventsPerSecond: roundedRate(cursors[key]?.rate), lease: byKey[key])
        }
    }
}
