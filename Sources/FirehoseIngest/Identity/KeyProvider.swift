public import FirehoseSync

/// Supplies signing keys to the verification workers (SPEC.md §11). Implementations cache; the pipeline asks for
/// a fresh key once after a signature failure and purges on `#identity`.
public protocol KeyProvider: Sendable {
    /// The `#atproto` signing key of `did` for the event at `seq` (recordings can carry key history);
    /// `fresh` bypasses any cache.
    func signingKey(for did: String, seq: Int64?, fresh: Bool) async -> SigningKeyLookup
    /// Forgets what is cached for `did`.
    func purge(_ did: String) async
    /// The PDS host of `did` (`host` or `host:port` of its `#atproto_pds` endpoint) as far as already known,
    /// without a new look-up; nil when unknown. Used to attribute events to hosts in the audit.
    func pdsHost(for did: String) async -> String?
}

extension KeyProvider {
    /// No host knowledge by default.
    public func pdsHost(for did: String) async -> String? { nil }
}
