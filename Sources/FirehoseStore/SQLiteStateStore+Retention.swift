public import FirehoseSync

/// Retention through the port (``AuditStore/prune(before:)``).
extension SQLiteStateStore: RetentionStore {
    public func prune(before cutoffMicros: Int64) throws -> PruneResult {
        try audit.prune(before: cutoffMicros)
    }
}
