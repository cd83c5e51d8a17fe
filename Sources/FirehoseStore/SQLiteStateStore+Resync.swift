import FirehoseSync
import GRDB

/// What a restarted `consume` must resume (Docs/SPEC.md §7.5; Docs/CONTRACT.md §5).
extension SQLiteStateStore {
    /// Up to `limit` accounts left `desynchronized` or `resyncing` (a resync that had not finished, or had given
    /// up, when the process stopped), by DID.
    public func accountsNeedingResync(limit: Int) throws -> [String] {
        try guarded {
            try pool.read { db in
                try String.fetchAll(db, sql: "SELECT did FROM accounts WHERE sync_state IN (?, ?) ORDER BY did LIMIT ?",
                                    arguments: [SyncStateCode.encode(.desynchronized), SyncStateCode.encode(.resyncing), max(0, limit)])
            }
        }
    }
}
