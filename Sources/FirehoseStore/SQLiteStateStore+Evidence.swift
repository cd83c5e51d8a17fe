public import FirehoseSync
import Foundation
import GRDB

/// Retention and evidence: one violation by its seq (with its stored frame bytes), and pruning old violations and
/// per-minute audit rows.
extension SQLiteStateStore {
    /// The most recent violation recorded for relay `seq` (nil when none), with its frame bytes when it was rejected.
    public func violation(seq: Int64) throws -> RecordedOutcome? {
        try guarded {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM violations WHERE seq = ? ORDER BY id DESC LIMIT 1", arguments: [seq])
                    .map(SQLiteStateStore.recordedOutcome)
            }
        }
    }

    /// Deletes, in one transaction, the violations (with their frame bytes) processed before `cutoffMicros`
    /// (µs since the Unix epoch) and the per-minute audit rows of minutes that end at or before it. Counts per
    /// outcome, per account, per host and day are totals and are kept.
    public func prune(before cutoffMicros: Int64) throws -> PruneResult {
        try guarded {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM violations WHERE processed_at < ?", arguments: [cutoffMicros])
                let violations = db.changesCount
                let cutoffMinute = cutoffMicros >= 0 ? cutoffMicros / 60_000_000 : (cutoffMicros - 59_999_999) / 60_000_000
                try db.execute(sql: "DELETE FROM audit_minutes WHERE minute < ?", arguments: [cutoffMinute])
                return PruneResult(violations: violations, auditMinutes: db.changesCount)
            }
        }
    }
}

/// What ``SQLiteStateStore/prune(before:)`` deleted.
public struct PruneResult: Sendable, Equatable {
    /// Violations rows deleted (their frame bytes with them).
    public var violations: Int
    /// Per-minute audit rows deleted.
    public var auditMinutes: Int

    /// Creates a result.
    public init(violations: Int, auditMinutes: Int) {
        self.violations = violations
        self.auditMinutes = auditMinutes
    }
}
