import FirehoseSync
import PostgresNIO

/// Audit figures written with each batch: the same tables and increments as the SQLite store's.
extension PostgresStateStore {
    /// The columns and upsert statement of each audit table (and of the accounts' PDS host).
    static let hostDayElements: [ColumnArray.Element] = [.text, .text, .text, .text, .bigint]
    static let upsertHostDays = """
        INSERT INTO audit_host_days AS t (host, day, outcome, reason, count) SELECT * FROM \(ColumnArrays.unnest(hostDayElements))
        ON CONFLICT (host, day, outcome, reason) DO UPDATE SET count = t.count + excluded.count
        """
    static let warningElements: [ColumnArray.Element] = [.text, .text, .text, .bigint]
    static let upsertWarnings = """
        INSERT INTO audit_host_warnings AS t (host, day, kind, count) SELECT * FROM \(ColumnArrays.unnest(warningElements))
        ON CONFLICT (host, day, kind) DO UPDATE SET count = t.count + excluded.count
        """
    static let minuteElements: [ColumnArray.Element] = [.bigint, .text, .bigint]
    static let upsertMinutes = """
        INSERT INTO audit_minutes AS t (minute, outcome, count) SELECT * FROM \(ColumnArrays.unnest(minuteElements))
        ON CONFLICT (minute, outcome) DO UPDATE SET count = t.count + excluded.count
        """
    static let accountHostElements: [ColumnArray.Element] = [.text, .text]
    static let upsertAccountHosts = """
        INSERT INTO accounts AS a (did, pds_host) SELECT * FROM \(ColumnArrays.unnest(accountHostElements))
        ON CONFLICT (did) DO UPDATE SET pds_host = excluded.pds_host WHERE a.pds_host IS DISTINCT FROM excluded.pds_host
        """
    static let resyncElements: [ColumnArray.Element] = [.text, .text, .bigint, .bigint]
    static let upsertResyncs = """
        INSERT INTO audit_resyncs AS t (host, day, started, completed) SELECT * FROM \(ColumnArrays.unnest(resyncElements))
        ON CONFLICT (host, day) DO UPDATE SET started = t.started + excluded.started, completed = t.completed + excluded.completed
        """

    /// Queues the per-host, per-minute, warning, account-host and resync increments of `tally`: one statement per
    /// table. Rows are written in key order, so concurrent batches (partitions) lock the shared rows in the same
    /// order and never deadlock.
    static func queueAudit(_ tally: AuditTally, into queued: inout [(String, PostgresBindings)]) {
        if !tally.hostDays.isEmpty {
            var rows = ColumnArrays(hostDayElements)
            let hostDays = tally.hostDays.sorted { a, b in
                (a.key.host, a.key.day, a.key.outcome.rawValue, a.key.reason?.rawValue ?? "")
                    < (b.key.host, b.key.day, b.key.outcome.rawValue, b.key.reason?.rawValue ?? "")
            }
            for (key, n) in hostDays {
                rows.columns[0].append(key.host)
                rows.columns[1].append(key.day)
                rows.columns[2].append(key.outcome.rawValue)
                rows.columns[3].append(key.reason?.rawValue ?? "")
                rows.columns[4].append(Int64(n))
            }
            queued.append((upsertHostDays, rows.bindings))
        }
        if !tally.warnings.isEmpty {
            var rows = ColumnArrays(warningElements)
            for (key, n) in tally.warnings.sorted(by: { ($0.key.host, $0.key.day, $0.key.kind.rawValue) < ($1.key.host, $1.key.day, $1.key.kind.rawValue) }) {
                rows.columns[0].append(key.host)
                rows.columns[1].append(key.day)
                rows.columns[2].append(key.kind.rawValue)
                rows.columns[3].append(Int64(n))
            }
            queued.append((upsertWarnings, rows.bindings))
        }
        if !tally.minutes.isEmpty {
            var rows = ColumnArrays(minuteElements)
            for (key, n) in tally.minutes.sorted(by: { ($0.key.minute, $0.key.outcome.rawValue) < ($1.key.minute, $1.key.outcome.rawValue) }) {
                rows.columns[0].append(key.minute)
                rows.columns[1].append(key.outcome.rawValue)
                rows.columns[2].append(Int64(n))
            }
            queued.append((upsertMinutes, rows.bindings))
        }
        if !tally.accountHosts.isEmpty {
            var rows = ColumnArrays(accountHostElements, capacity: 64 * tally.accountHosts.count)
            for (did, host) in tally.accountHosts.sorted(by: { $0.key < $1.key }) {
                rows.columns[0].append(did)
                rows.columns[1].append(host)
            }
            queued.append((upsertAccountHosts, rows.bindings))
        }
        if !tally.resyncs.isEmpty {
            var rows = ColumnArrays(resyncElements)
            for (key, counts) in tally.resyncs.sorted(by: { ($0.key.host, $0.key.day) < ($1.key.host, $1.key.day) }) {
                rows.columns[0].append(key.host)
                rows.columns[1].append(key.day)
                rows.columns[2].append(Int64(counts.started))
                rows.columns[3].append(Int64(counts.completed))
            }
            queued.append((upsertResyncs, rows.bindings))
        }
    }

    /// Queues the addition of `delta` to the relay health of `upstream`, computed by the server on the stored row
    /// (counts added, the largest lag kept, buckets added element-wise, the first sighting kept, the last replaced).
    static func queueRelayHealth(_ delta: RelayHealthDelta, upstream: String, into queued: inout [(String, PostgresBindings)]) {
        var binds = Binds()
        binds.add(upstream)
        for value in [delta.frames, delta.gaps, delta.missingSeqs, delta.duplicates, delta.reconnects,
                      delta.lagCount, delta.lagSumMillis, delta.lagMaxMillis] {
            binds.add(value)
        }
        binds.values.append(delta.lagBuckets)
        binds.add(delta.firstSeenMicros)
        binds.add(delta.lastSeenMicros)
        binds.add(delta.lastSeq)
        binds.add(delta.backfillEvents)
        queued.append(("""
            INSERT INTO relay_health AS r (upstream, \(relayHealthColumns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT (upstream) DO UPDATE SET frames = r.frames + excluded.frames, gaps = r.gaps + excluded.gaps,
                missing_seqs = r.missing_seqs + excluded.missing_seqs, duplicates = r.duplicates + excluded.duplicates,
                reconnects = r.reconnects + excluded.reconnects, lag_count = r.lag_count + excluded.lag_count,
                lag_sum_ms = r.lag_sum_ms + excluded.lag_sum_ms, lag_max_ms = GREATEST(r.lag_max_ms, excluded.lag_max_ms),
                lag_buckets = CASE WHEN cardinality(r.lag_buckets) = cardinality(excluded.lag_buckets)
                    THEN ARRAY(SELECT t.a + t.b FROM unnest(r.lag_buckets, excluded.lag_buckets) WITH ORDINALITY AS t(a, b, i) ORDER BY t.i)
                    ELSE excluded.lag_buckets END,
                first_seen = COALESCE(r.first_seen, excluded.first_seen), last_seen = COALESCE(excluded.last_seen, r.last_seen),
                last_seq = COALESCE(excluded.last_seq, r.last_seq), backfill_events = r.backfill_events + excluded.backfill_events
            """, binds.values))
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
        let buckets: [Int64] = try row.value(offset + 8)
        if buckets.count == health.lagBuckets.count { health.lagBuckets = buckets }
        health.firstSeenMicros = try row.value(offset + 9)
        health.lastSeenMicros = try row.value(offset + 10)
        health.lastSeq = try row.value(offset + 11)
        health.backfillEvents = try row.value(offset + 12)
        return health
    }
}
