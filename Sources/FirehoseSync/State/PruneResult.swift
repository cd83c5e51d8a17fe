/// What ``RetentionStore/prune(before:)`` deleted.
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

    /// The first audit minute kept by a prune before `cutoffMicros` (minutes since the Unix epoch, rounded down).
    public static func cutoffMinute(forMicros cutoffMicros: Int64) -> Int64 {
        cutoffMicros >= 0 ? cutoffMicros / 60_000_000 : (cutoffMicros - 59_999_999) / 60_000_000
    }
}
