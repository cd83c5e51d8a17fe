import FirehoseSync
import Foundation
import GRDB

/// Audit figures: written with each batch, read by `audit report` and `status`.
extension SQLiteStateStore {
    /// Writes the audit increments of a batch; with `accountHostsWritten`, the accounts' PDS hosts were written with
    /// their account rows (``writeAccounts(_:counters:hosts:db:)``) and are skipped here.
    static func writeAudit(_ tally: AuditTally, upstream: String?, accountHostsWritten: Bool = false, db: Database) throws {
        guard !tally.isEmpty else { return }
        if !tally.hostDays.isEmpty {
            let statement = DirectStatement(try db.cachedStatement(sql: """
                INSERT INTO audit_host_days (host, day, outcome, reason, count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(host, day, outcome, reason) DO UPDATE SET count = count + excluded.count
                """))
            for (key, n) in tally.hostDays {
                try statement.bind(1, key.host)
                try statement.bind(2, key.day)
                try statement.bind(3, key.outcome.rawValue)
                try statement.bind(4, key.reason?.rawValue ?? "")
                try statement.bind(5, n)
                try statement.step()
            }
        }
        if !tally.warnings.isEmpty {
            let statement = DirectStatement(try db.cachedStatement(sql: """
                INSERT INTO audit_host_warnings (host, day, kind, count) VALUES (?, ?, ?, ?)
                ON CONFLICT(host, day, kind) DO UPDATE SET count = count + excluded.count
                """))
            for (key, n) in tally.warnings {
                try statement.bind(1, key.host)
                try statement.bind(2, key.day)
                try statement.bind(3, key.kind.rawValue)
                try statement.bind(4, n)
                try statement.step()
            }
        }
        if !tally.minutes.isEmpty {
            let statement = DirectStatement(try db.cachedStatement(sql: """
                INSERT INTO audit_minutes (minute, outcome, count) VALUES (?, ?, ?)
                ON CONFLICT(minute, outcome) DO UPDATE SET count = count + excluded.count
                """))
            for (key, n) in tally.minutes {
                try statement.bind(1, key.minute)
                try statement.bind(2, key.outcome.rawValue)
                try statement.bind(3, n)
                try statement.step()
            }
        }
        if !accountHostsWritten && !tally.accountHosts.isEmpty {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO accounts (did, pds_host) VALUES (?, ?)
                ON CONFLICT(did) DO UPDATE SET pds_host = excluded.pds_host WHERE pds_host IS NOT excluded.pds_host
                """)
            for (did, host) in tally.accountHosts {
                try statement.execute(arguments: [did, host])
            }
        }
        if !tally.resyncs.isEmpty {
            let statement = DirectStatement(try db.cachedStatement(sql: """
                INSERT INTO audit_resyncs (host, day, started, completed) VALUES (?, ?, ?, ?)
                ON CONFLICT(host, day) DO UPDATE SET started = started + excluded.started, completed = completed + excluded.completed
                """))
            for (key, counts) in tally.resyncs {
                try statement.bind(1, key.host)
                try statement.bind(2, key.day)
                try statement.bind(3, counts.started)
                try statement.bind(4, counts.completed)
                try statement.step()
            }
        }
        if let upstream, !tally.relay.isEmpty {
            try addRelayHealth(tally.relay, upstream: upstream, db: db)
        }
    }

    static func addRelayHealth(_ delta: RelayHealthDelta, upstream: String, db: Database) throws {
        var current = try fetchRelayHealth(db: db, upstream: upstream) ?? RelayHealthDelta()
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
        try db.cachedStatement(sql: """
            INSERT INTO relay_health (upstream, frames, gaps, missing_seqs, duplicates, reconnects, lag_count, lag_sum_ms,
                lag_max_ms, lag_buckets, first_seen, last_seen, last_seq, backfill_events)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(upstream) DO UPDATE SET frames = excluded.frames, gaps = excluded.gaps,
                missing_seqs = excluded.missing_seqs, duplicates = excluded.duplicates, reconnects = excluded.reconnects,
                lag_count = excluded.lag_count, lag_sum_ms = excluded.lag_sum_ms, lag_max_ms = excluded.lag_max_ms,
                lag_buckets = excluded.lag_buckets, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                last_seq = excluded.last_seq, backfill_events = excluded.backfill_events
            """).execute(arguments: [
                upstream, current.frames, current.gaps, current.missingSeqs, current.duplicates, current.reconnects,
                current.lagCount, current.lagSumMillis, current.lagMaxMillis,
                current.lagBuckets.map(String.init).joined(separator: ","), current.firstSeenMicros, current.lastSeenMicros,
                current.lastSeq, current.backfillEvents,
            ])
    }

    static func fetchRelayHealth(db: Database, upstream: String) throws -> RelayHealthDelta? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM relay_health WHERE upstream = ?", arguments: [upstream]) else { return nil }
        return relayHealth(from: row)
    }

    static func relayHealth(from row: Row) -> RelayHealthDelta {
        var health = RelayHealthDelta()
        health.frames = row["frames"]
        health.gaps = row["gaps"]
        health.missingSeqs = row["missing_seqs"]
        health.duplicates = row["duplicates"]
        health.reconnects = row["reconnects"]
        health.lagCount = row["lag_count"]
        health.lagSumMillis = row["lag_sum_ms"]
        health.lagMaxMillis = row["lag_max_ms"]
        let buckets: String = row["lag_buckets"]
        let parsed = buckets.split(separator: ",").compactMap { Int64($0) }
        if parsed.count == health.lagBuckets.count { health.lagBuckets = parsed }
        health.firstSeenMicros = row["first_seen"]
        health.lastSeenMicros = row["last_seen"]
        health.lastSeq = row["last_seq"]
        health.backfillEvents = row["backfill_events"] ?? 0
        return health
    }

    /// Per-host figures, most events first (ties by host name).
    static func fetchHostScores(db: Database) throws -> [HostScore] {
        var tally = HostScoreTally()
        for row in try Row.fetchAll(db, sql: """
            SELECT host, outcome, reason, SUM(count) AS n FROM audit_host_days GROUP BY host, outcome, reason
            """) {
            tally.addEvents(host: row["host"], outcome: row["outcome"], reason: row["reason"], count: row["n"])
        }
        for row in try Row.fetchAll(db, sql: "SELECT host, kind, SUM(count) AS n FROM audit_host_warnings GROUP BY host, kind") {
            tally.addWarnings(host: row["host"], kind: row["kind"], count: row["n"])
        }
        for row in try Row.fetchAll(db, sql: "SELECT host, SUM(started) AS s, SUM(completed) AS c FROM audit_resyncs GROUP BY host") {
            tally.setResyncs(host: row["host"], started: row["s"], completed: row["c"])
        }
        for row in try Row.fetchAll(db, sql: "SELECT COALESCE(pds_host, 'unknown') AS host, COUNT(*) AS n FROM accounts GROUP BY 1") {
            tally.setAccounts(host: row["host"], count: row["n"])
        }
        return tally.ranked
    }
}
