public import FirehoseSync

/// The SQLite store as a ``StatusReader``: its ``StatusQueries`` and ``AuditStore``.
extension SQLiteStateStore: StatusReader {
    public func summary(recentViolations: Int) throws -> StoreSummary {
        try status.summary(recentViolations: recentViolations)
    }

    public func violations(did: String?, sinceMicros: Int64?, limit: Int) throws -> [RecordedOutcome] {
        try status.violations(did: did, sinceMicros: sinceMicros, limit: limit)
    }

    public func violation(seq: Int64) throws -> RecordedOutcome? {
        try status.violation(seq: seq)
    }

    public func auditReport(topAccounts: Int) throws -> AuditData {
        try audit.report(topAccounts: topAccounts)
    }
}
