/// What ``AuditStore/prune(before:)`` deleted.
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
