public import ATCrypto

/// The signing key the pipeline obtained for an account before verification (Docs/SPEC.md §11).
public enum SigningKeyLookup: Sendable {
    /// A key, and whether it was just resolved (bypassing the cache). A signature failure with a cached key
    /// asks the caller to re-resolve once.
    case key(PublicKey, fresh: Bool)
    /// No key could be obtained, with the reason (not found, no `#atproto` key, unsupported curve, …).
    case unavailable(String)
}
