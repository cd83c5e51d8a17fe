/// What `status`, `audit report` and the status API read from a store, whatever the backend: implemented by the
/// SQLite store and the PostgreSQL store, so the reports are built once.
public protocol StatusReader: Sendable {
    /// The stored states of the given accounts (absent DIDs are missing from the result).
    func accounts(_ dids: [String]) throws -> [String: AccountState]
    /// Cursors, accounts by state, outcome counts, host scorecards and the `recentViolations` most recent violations.
    func summary(recentViolations: Int) throws -> StoreSummary
    /// Violations (of `did`, when given) processed at or after `sinceMicros`, newest first, at most `limit`.
    func violations(did: String?, sinceMicros: Int64?, limit: Int) throws -> [RecordedOutcome]
    /// The most recent violation recorded for relay `seq` (nil when none), with its frame bytes when it was rejected.
    func violation(seq: Int64) throws -> RecordedOutcome?
    /// Figures for `audit report`: outcome counts, per-host scorecards, the `topAccounts` accounts with the most
    /// violations (each with its latest), outcomes per minute, relay health and cursors.
    func auditReport(topAccounts: Int) throws -> AuditData
}
