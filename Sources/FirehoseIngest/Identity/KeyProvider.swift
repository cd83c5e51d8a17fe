public import FirehoseSync

/// Supplies signing keys to the verification workers (SPEC.md §11). Implementations cache; the pipeline asks for
/// a fresh key once after a signature failure and purges on `#identity`.
public protocol KeyProvider: Sendable {
    /// The current `#atproto` signing key of `did`; `fresh` bypasses any cache.
    func signingKey(for did: String, fresh: Bool) async -> SigningKeyLookup
    /// Forgets what is cached for `did`.
    func purge(_ did: String) async
}
