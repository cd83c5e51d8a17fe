import FirehoseSync

/// What `consume` schedules for resync when it starts (the SQLite store's `StatusQueries` answer the same).
extension PostgresStateStore {
    /// Up to `limit` accounts left `desynchronized` or `resyncing` (a resync that had not finished, or had given
    /// up, when the process stopped), by DID (byte order).
    public func accountsNeedingResync(limit: Int) throws -> [String] {
        var binds = Binds()
        binds.add(Int16(SyncStateCode.encode(.desynchronized)))
        binds.add(Int16(SyncStateCode.encode(.resyncing)))
        binds.add(Int64(max(0, limit)))
        return try session.withConnection { statements in
            try statements.query("SELECT did FROM accounts WHERE sync_state IN ($1, $2) ORDER BY did COLLATE \"C\" LIMIT $3", binds.values)
                .map { try RowReader($0).value(0, as: String.self) }
        }
    }
}
