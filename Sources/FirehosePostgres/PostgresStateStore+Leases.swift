public import FirehoseSync

/// The writer leases of (upstream, partition), timed by the server's clock (`now()`), so processes on machines
/// whose clocks disagree still agree on expiry.
extension PostgresStateStore {
    /// The selected columns of a lease row, expiry as µs since the Unix epoch.
    private static let leaseColumns = """
        upstream, partition_index, partition_count, holder, epoch, (EXTRACT(EPOCH FROM expires_at) * 1000000)::BIGINT
        """

    public func acquire(_ key: LeaseKey, holder: String, ttlMicros: Int64) throws -> Lease? {
        try session.transaction { statements in
            var binds = Self.keyBinds(key)
            binds.add(holder)
            binds.add(ttlMicros)
            // One statement: the row is locked by the conflict, and the WHERE is evaluated on its latest version.
            let rows = try statements.query("""
                INSERT INTO leases AS l (upstream, partition_index, partition_count, holder, epoch, expires_at)
                VALUES ($1, $2, $3, $4, 1, now() + $5::BIGINT * INTERVAL '1 microsecond')
                ON CONFLICT (upstream, partition_index, partition_count) DO UPDATE SET
                    epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at > now() THEN l.epoch ELSE l.epoch + 1 END,
                    holder = excluded.holder, expires_at = excluded.expires_at
                WHERE l.expires_at <= now() OR l.holder = excluded.holder
                RETURNING \(Self.leaseColumns)
                """, binds.values)
            return try rows.first.map { try Self.lease(RowReader($0)) }
        }
    }

    public func renew(_ lease: Lease, ttlMicros: Int64) throws -> Lease {
        try session.transaction { statements in
            var binds = Self.keyBinds(lease.key)
            binds.add(lease.holder)
            binds.add(lease.epoch)
            binds.add(ttlMicros)
            let rows = try statements.query("""
                UPDATE leases SET expires_at = now() + $6::BIGINT * INTERVAL '1 microsecond'
                WHERE upstream = $1 AND partition_index = $2 AND partition_count = $3 AND holder = $4 AND epoch = $5
                RETURNING \(Self.leaseColumns)
                """, binds.values)
            guard let row = rows.first else {
                throw PostgresStoreError(.leaseLost, "the lease of \(lease.key.upstream) partition \(lease.key.partition) is no longer held by \(lease.holder) at epoch \(lease.epoch)")
            }
            return try Self.lease(RowReader(row))
        }
    }

    public func release(_ lease: Lease) throws {
        try session.transaction { statements in
            var binds = Self.keyBinds(lease.key)
            binds.add(lease.holder)
            binds.add(lease.epoch)
            try statements.query("""
                UPDATE leases SET expires_at = now()
                WHERE upstream = $1 AND partition_index = $2 AND partition_count = $3 AND holder = $4 AND epoch = $5
                """, binds.values)
        }
    }

    public func leases() throws -> [Lease] {
        try session.withConnection { statements in
            try statements.query("SELECT \(Self.leaseColumns) FROM leases ORDER BY upstream, partition_count, partition_index")
                .map { try Self.lease(RowReader($0)) }
        }
    }

    private static func keyBinds(_ key: LeaseKey) -> Binds {
        var binds = Binds()
        binds.add(key.upstream)
        binds.add(Int32(key.partition.index))
        binds.add(Int32(key.partition.count))
        return binds
    }

    private static func lease(_ row: RowReader) throws -> Lease {
        let index = Int(try row.value(1, as: Int32.self))
        let count = Int(try row.value(2, as: Int32.self))
        let partition: Partition
        do { partition = try Partition(index: index, count: count) } catch {
            throw PostgresStoreError(.corruptRow, "lease partition \(index)/\(count) is invalid")
        }
        return Lease(key: LeaseKey(upstream: try row.value(0), partition: partition),
                     holder: try row.value(3), epoch: try row.value(4), expiresAt: try row.value(5))
    }
}
