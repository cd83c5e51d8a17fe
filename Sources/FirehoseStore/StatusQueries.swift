public import FirehoseSync
import Foundation
import GRDB

/// What `status`, the status API and resync scheduling read from the database: cursors, account counts, outcome
/// counts and violations. Reads only; shares the store's connection pool.
public struct StatusQueries: Sendable {
    /// The database.
    let database: SQLiteStateStore

    /// Cursors, accounts by state, outcome counts, host scorecards and the `recentViolations` most recent violations.
    public func summary(recentViolations: Int) throws -> StoreSummary {
        try database.guarded {
            try database.pool.read { db in
                var cursors: [String: Int64] = [:]
                var rates: [String: Double] = [:]
                let now = WallClock.nowMicros()
                for row in try Row.fetchAll(db, sql: "SELECT upstream, position, updated_at, window_position, window_at FROM cursors") {
                    cursors[row["upstream"]] = row["position"]
                    rates[row["upstream"]] = CursorKey.rate(position: row["position"], updatedAt: row["updated_at"],
                                                            windowPosition: row["window_position"], windowAt: row["window_at"], nowMicros: now)
                }
                var accounts: [String: Int] = [:]
                accounts["total"] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts") ?? 0
                accounts["active"] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts WHERE active = 1") ?? 0
                accounts["inactive"] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts WHERE active = 0") ?? 0
                for state in SyncState.allCases {
                    accounts[state.rawValue] = try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM accounts WHERE sync_state = ?", arguments: [SyncStateCode.encode(state)]) ?? 0
                }
                var outcomes: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT outcome, reason, count FROM outcome_counts") {
                    let outcome: String = row["outcome"]
                    let reason: String = row["reason"]
                    outcomes[reason.isEmpty ? outcome : "\(outcome)/\(reason)"] = row["count"]
                }
                let recent = try SQLiteStateStore.fetchViolations(db: db, did: nil, sinceMicros: nil, limit: recentViolations)
                var summary = StoreSummary(cursors: cursors, accounts: accounts, outcomes: outcomes, recentViolations: recent)
                summary.hosts = try SQLiteStateStore.fetchHostScores(db: db)
                summary.cursorRates = rates
                return summary
            }
        }
    }

    /// Violations (of `did`, when given) processed at or after `sinceMicros`, newest first, at most `limit`.
    public func violations(did: String?, sinceMicros: Int64?, limit: Int) throws -> [RecordedOutcome] {
        try database.guarded { try database.pool.read { db in try SQLiteStateStore.fetchViolations(db: db, did: did, sinceMicros: sinceMicros, limit: limit) } }
    }

    /// The most recent violation recorded for relay `seq` (nil when none), with its frame bytes when it was rejected.
    public func violation(seq: Int64) throws -> RecordedOutcome? {
        try database.guarded {
            try database.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM violations WHERE seq = ? ORDER BY id DESC LIMIT 1", arguments: [seq])
                    .map(SQLiteStateStore.recordedOutcome)
            }
        }
    }

    /// Up to `limit` accounts left `desynchronized` or `resyncing` (a resync that had not finished, or had given
    /// up, when the process stopped), by DID.
    public func accountsNeedingResync(limit: Int) throws -> [String] {
        try database.guarded {
            try database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT did FROM accounts WHERE sync_state IN (?, ?) ORDER BY did LIMIT ?",
                                    arguments: [SyncStateCode.encode(.desynchronized), SyncStateCode.encode(.resyncing), max(0, limit)])
            }
        }
    }
}

extension SQLiteStateStore {
    /// The status queries over this store's pool.
    public var status: StatusQueries { StatusQueries(database: self) }
}
