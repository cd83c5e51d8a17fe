public import FirehoseSync

/// Supplies signing keys to the verification workers (SPEC.md §11). Implementations cache; the pipeline asks for
/// a fresh key once after a signature failure and purges on `#identity`.
public protocol KeyProvider: Sendable {
    /// The `#atproto` signing key of `did` for the event at `seq` (recordings can carry key history);
    /// `fresh` bypasses any cache.
    func signingKey(for did: String, seq: Int64?, fresh: Bool) async -> SigningKeyLookup
    /// Forgets what is cached for `did`.
    func purge(_ did: String) async
}
