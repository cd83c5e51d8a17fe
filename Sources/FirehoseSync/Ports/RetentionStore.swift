/// Retention (`breakwater prune`), whatever the backend: deletes the violations (with their frame bytes) processed
/// before a time and the per-minute audit rows of the minutes before it, keeping every total (outcome counts,
/// per-account and per-host counts).
public protocol RetentionStore: Sendable {
    /// Deletes what is older than `cutoffMicros` (microseconds since the Unix epoch), in one transaction.
    func prune(before cutoffMicros: Int64) throws -> PruneResult
}
