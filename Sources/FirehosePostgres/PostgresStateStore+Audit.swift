import FirehoseSync
import PostgresNIO

/// Audit figures written with each batch: the same tables and increments as the SQLite store's.
extension PostgresStateStore {
    /// Queues the per-host, per-minute, warning, account-host and resync increments of `tally`. Rows are
    /// written in key order, so concurrent batches (partitions) lock the shared rows in the same order and never
    /// deadlock.
    static func queueAudit(_ tally: AuditTally, into queued: inout [(String, PostgresBindings)]) {
        let hostDays = tally.hostDays.sorted { a, b in
            (a.key.host, a.key.day, a.key.outcome.rawValue, a.key.reason?.rawValue ?? "")
                < (b.key.host, b.key.day, b.key.outcome.rawValue, b.key.reason?.rawValue ?? "")
        }
        for (key, n) in hostDays {
            var binds = Binds()
            binds.add(key.host)
            binds.add(key.day)
            binds.add(key.outcome.rawValue)
            binds.add(key.reason?.rawValue ?? "")
            binds.add(Int64(n))
            queued.append(("""
                INSERT INTO audit_host_days (host, day, outcome, reason, count) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (host, day, outcome, reason) DO UPDATE SET count = audit_host_days.count + excluded.count
                """, binds.values))
        }
        for (key, n) in tally.warnings.sorted(by: { ($0.key.host, $0.key.day, $0.key.kind.rawValue) < ($1.key.host, $1.key.day, $1.key.kind.rawValue) }) {
            var binds = Binds()
            binds.add(key.host)
            binds.add(key.day)
            binds.add(key.kind.rawValue)
            binds.add(Int64(n))
            queued.append(("""
                INSERT INTO audit_host_warnings (host, day, kind, count) VALUES ($1, $2, $3, $4)
                ON CONFLICT (host, day, kind) DO UPDATE SET count = audit_host_warnings.count + excluded.count
                """, binds.values))
        }
        for (key, n) in tally.minutes.sorted(by: { ($0.key.minute, $0.key.outcome.rawValue) < ($1.key.minute, $1.key.outcome.rawValue) }) {
            var binds = Binds()
            binds.add(key.minute)
            binds.add(key.outcome.rawValue)
            binds.add(Int64(n))
            queued.append(("""
                INSERT INTO audit_minutes (minute, outcome, count) VALUES ($1, $2, $3)
                ON CONFLICT (minute, outcome) DO UPDATE SET count = audit_minutes.count + excluded.count
                """, binds.values))
        }
        for (did, host) in tally.accountHosts.sorted(by: { $0.key < $1.key }) {
            var binds = Binds()
            binds.add(did)
            binds.add(host)
            queued.append(("""
                INSERT INTO accounts AS a (did, pds_host) VALUES ($1, $2)
                ON CONFLICT (did) DO UPDATE SET pds_host = excluded.pds_host WHERE a.pds_host IS DISTINCT FROM excluded.pds_host
                """, binds.values))
        }
        for (key, counts) in tally.resyncs.sorted(by: { ($0.key.host, $0.key.day) < ($1.key.host, $1.key.day) }) {
            var binds = Binds()
            binds.add(key.host)
            binds.add(key.day)
            binds.add(Int64(counts.started))
            binds.add(Int64(counts.completed))
            queued.append(("""
                INSERT INTO audit_resyncs (host, day, started, completed) VALUES ($1, $2, $3, $4)
                ON CONFLICT (host, day) DO UPDATE SET started = audit_resyncs.started + excluded.started,
                    completed = audit_resyncs.completed + excluded.completed
                """, binds.values))
        }
    }

    /// Adds `delta` to the relay health of `upstream` (the row is locked while it is read and written).
    static func addRelayHealth(_ delta: RelayHealthDelta, upstream: String, statements: Statements) throws {
        var key = Binds()
        key.add(upstream)
        let rows = try statements.query("SELECT \(relayHealthColumns) FROM relay_health WHERE upstream = $1 FOR UPDATE", key.values)
        var current = try rows.first.map { try relayHealth(RowReader($0)) } ?? RelayHealthDelta()
        current.frames += delta.frames
        current.gaps += delta.gaps
        current.missingSeqs += delta.missingSeqs
        current.duplicates += delta.duplicates
        current.reconnects += delta.reconnects
        current.lagCount += delta.lagCount
        current.backfillEvents += delta.backfillEvents
        current.lagSumMillis &+= delta.lagSumMillis
        current.lagMaxMillis = max(current.lagMaxMillis, delta.lagMaxMillis)
        for i in current.lagBuckets.indices where i < delta.lagBuckets.count { current.lagBuckets[i] += delta.lagBuckets[i] }
        current.firstSeenMicros = current.firstSeenMicros ?? delta.firstSeenMicros
        current.lastSeenMicros = delta.lastSeenMicros ?? current.lastSeenMicros
        current.lastSeq = delta.lastSeq ?? current.lastSeq
        var binds = Binds()
        binds.add(upstream)
        for value in [current.frames, current.gaps, current.missingSeqs, current.duplicates, current.reconnects,
                      current.lagCount, current.lagSumMillis, current.lagMaxMillis] {
            binds.add(value)
        }
        binds.add(current.lagBuckets.map(String.init).joined(separator: ","))
        binds.add(current.firstSeenMicros)
        binds.add(current.lastSeenMicros)
        binds.add(current.lastSeq)
        binds.add(current.backfillEvents)
        try statements.query("""
            INSERT INTO relay_health (upstream, \(relayHealthColumns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT (upstream) DO UPDATE SET frames = excluded.frames, gaps = excluded.gaps,
                missing_seqs = excluded.missing_seqs, duplicates = excluded.duplicates, reconnects = excluded.reconnects,
                lag_count = excluded.lag_count, lag_sum_ms = excluded.lag_sum_ms, lag_max_ms = excluded.lag_max_ms,
                lag_buckets = excluded.lag_buckets, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                last_seq = excluded.last_seq, backfill_events = excluded.backfill_events
            """, binds.values)
    }

    /// The columns ``relayHealth(_:)`` reads, in order.
    static let relayHealthColumns = """
        frames, gaps, missing_seqs, duplicates, reconnects, lag_count, lag_sum_ms, lag_max_ms, lag_buckets, \
        first_seen, last_seen, last_seq, backfill_events
        """

    /// A `relay_health` row (``relayHealthColumns``) as figures.
    static func relayHealth(_ row: RowReader, offset: Int = 0) throws -> RelayHealthDelta {
        var health = RelayHealthDelta()
        health.frames = try row.value(offset + 0)
        health.gaps = try row.value(offset + 1)
        health.missingSeqs = try row.value(offset + 2)
        health.duplicates = try row.value(offset + 3)
        health.reconnects = try row.value(offset + 4)
        health.lagCount = try row.value(offset + 5)
        health.lagSumMillis = try row.value(offset + 6)
        health.lagMaxMillis = try row.value(offset + 7)
        let buckets: String = try row.value(offset + 8)
        let parsed = buckets.split(separator: ",").compactMap { Int64($0) }
        if parsed.count == health.lagBuckets.count { health.lagBuckets = parsed }
        health.firstSeenMicros = try row.value(offset + 9)
        health.lastSeenMicros = try row.value(offset + 10)
        health.lastSeq = try row.value(offset + 11)
        health.backfillEvents = try row.value(offset + 12)
        return health
    }
}
