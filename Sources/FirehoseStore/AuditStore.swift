public import FirehoseSync
import Foundation
import GRDB

/// The audit trail in the database: the per-host scorecards, per-minute outcome counts, relay health and the
/// accounts with the most violations (`audit report`), and its retention (`prune`). Shares the store's pool; the
/// pipeline's batches write the figures.
public struct AuditStore: Sendable {
    /// The database.
    let database: SQLiteStateStore

    /// Figures for `audit report`: outcome counts, per-host scorecards, the `topAccounts` accounts with the most
    /// violations (each with its latest), outcomes per minute, relay health and cursors.
    public func report(topAccounts: Int) throws -> AuditData {
        try database.guarded {
            try database.pool.read { db in
                var outcomes: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT outcome, reason, count FROM outcome_counts") {
                    let outcome: String = row["outcome"]
                    let reason: String = row["reason"]
                    outcomes[reason.isEmpty ? outcome : "\(outcome)/\(reason)"] = row["count"]
                }
                let hosts = try SQLiteStateStore.fetchHostScores(db: db)
                var accounts: [AuditAccount] = []
                let latest = try db.cachedStatement(sql: """
                    SELECT * FROM violations WHERE did = ? AND outcome IN ('rejected', 'desynchronized', 'unverifiable')
                    ORDER BY id DESC LIMIT 1
                    """)
                for row in try Row.fetchAll(db, sql: """
                    SELECT did, pds_host, n_rejected, n_desynchronized, n_unverifiable,
                        n_rejected + n_desynchronized + n_unverifiable AS total
                    FROM accounts WHERE n_rejected + n_desynchronized + n_unverifiable > 0
                    ORDER BY total DESC, did LIMIT ?
                    """, arguments: [max(0, topAccounts)]) {
                    let did: String = row["did"]
                    let evidence = try Row.fetchOne(latest, arguments: [did]).map(SQLiteStateStore.recordedOutcome)
                    accounts.append(AuditAccount(did: did, host: row["pds_host"], rejected: row["n_rejected"],
                                                 desynchronized: row["n_desynchronized"], unverifiable: row["n_unverifiable"],
                                                 latest: evidence))
                }
                var buckets: [Int64: [Outcome: Int]] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT minute, outcome, count FROM audit_minutes") {
                    let text: String = row["outcome"]
                    guard let outcome = Outcome(rawValue: text) else { continue }
                    buckets[row["minute"], default: [:]][outcome, default: 0] += row["count"]
                }
                let minutes = buckets.keys.sorted().map { AuditTimeBucket(minute: $0, byOutcome: buckets[$0]!) }
                var relays: [String: RelayHealthDelta] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT * FROM relay_health") {
                    relays[row["upstream"]] = SQLiteStateStore.relayHealth(from: row)
                }
                var cursors: [String: Int64] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT upstream, position FROM cursors") {
                    cursors[row["upstream"]] = row["position"]
                }
                return AuditData(outcomes: outcomes, hosts: hosts, accounts: accounts, minutes: minutes, relays: relays, cursors: cursors)
            }
        }
    }

    /// Deletes, in one transaction, the violations (with their frame bytes) processed before `cutoffMicros`
    /// (µs since the Unix epoch) and the per-minute audit rows of minutes that end at or before it. Counts per
    /// outcome, per account, per host and day are totals and are kept.
    public func prune(before cutoffMicros: Int64) throws -> PruneResult {
        try database.guarded {
            try database.pool.write { db in
                try db.execute(sql: "DELETE FROM violations WHERE processed_at < ?", arguments: [cutoffMicros])
                let violations = db.changesCount
                let cutoffMinute = PruneResult.cutoffMinute(forMicros: cutoffMicros)
                try db.execute(sql: "DELETE FROM audit_minutes WHERE minute < ?", arguments: [cutoffMinute])
                return PruneResult(violations: violations, auditMinutes: db.changesCount)
            }
        }
    }
}

extension SQLiteStateStore {
    /// The audit store over this store's pool.
    public var audit: AuditStore { AuditStore(database: self) }
}
