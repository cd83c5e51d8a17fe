public import FirehoseSync

/// Retention (`breakwater prune`) with the SQLite store's rules, in one transaction.
extension PostgresStateStore: RetentionStore {
    public func prune(before cutoffMicros: Int64) throws -> PruneResult {
        var cutoff = Binds()
        cutoff.add(cutoffMicros)
        var minute = Binds()
        minute.add(PruneResult.cutoffMinute(forMicros: cutoffMicros))
        return try session.transaction { statements in
            let violations = try statements.query("""
                WITH deleted AS (DELETE FROM violations WHERE processed_at < $1 RETURNING 1) SELECT COUNT(*) FROM deleted
                """, cutoff.values).first.map { try RowReader($0).value(0, as: Int64.self) } ?? 0
            let minutes = try statements.query("""
                WITH deleted AS (DELETE FROM audit_minutes WHERE minute < $1 RETURNING 1) SELECT COUNT(*) FROM deleted
                """, minute.values).first.map { try RowReader($0).value(0, as: Int64.self) } ?? 0
            return PruneResult(violations: Int(violations), auditMinutes: Int(minutes))
        }
    }
}
