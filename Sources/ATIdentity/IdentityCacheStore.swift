public import ATSyntax

/// Durable storage for identity cache entries, so that a restart does not re-resolve every DID
/// (Docs/SPEC.md §11, "Caching"). `FirehoseStore`'s SQLite store implements it; ``IdentityCache`` consults
/// it behind its in-memory entries.
///
/// The store keeps entries as given; whether one is still usable is the ``IdentityCachePolicy``'s
/// decision (successes 24 h, failures 2 min by default), made by the caller with its own clock.
/// Calls are synchronous and may block briefly (a local database); errors are the store's own.
public protocol IdentityCacheStore: Sendable {
    /// The stored entry for `did`, fresh or not; nil when there is none.
    func loadIdentity(_ did: DID) throws -> IdentityCachePolicy.Entry?
    /// Stores `entry` for `did`, replacing any earlier one.
    func saveIdentity(_ did: DID, _ entry: IdentityCachePolicy.Entry) throws
    /// Forgets `did` (on `#identity`).
    func deleteIdentity(_ did: DID) throws
}
