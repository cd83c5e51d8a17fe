/// Whether an account's stored state is a trustworthy base for chaining (Docs/SPEC.md §7.1).
public enum SyncState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Commits are chained against the stored state.
    case synchronized
    /// A chain break was seen; commits are ignored until a resync.
    case desynchronized
    /// A resync is running; commits are queued.
    case resyncing
}
