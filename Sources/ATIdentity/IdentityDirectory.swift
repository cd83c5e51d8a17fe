/// Where verification finds the identity facts of an account: its signing key (per event, since recordings can
/// carry key history), its PDS, and the host label the audit attributes its events to. Implementations:
/// ``StaticIdentityDirectory`` (an identities file, no network) and ``CachingIdentityDirectory`` (an identities
/// file first, then a caching resolver).
///
/// The pipeline asks for a fresh key once after a signature failure with a cached one, and purges a DID on
/// `#identity`.
public protocol IdentityDirectory: Sendable {
    /// The `#atproto` signing key of `did` for the event at `seq` (nil: the current key); `fresh` bypasses any
    /// cache.
    func signingKey(for did: String, seq: Int64?, fresh: Bool) async -> SigningKeyLookup
    /// The PDS base URL of `did` (e.g. `https://pds.example.com`) for fetching its repository, or nil when it
    /// cannot be found.
    func pdsEndpoint(for did: String) async -> String?
    /// The PDS host of `did` (`host` or `host:port`) as far as already known, without a new look-up; nil when
    /// unknown.
    func pdsHost(for did: String) async -> String?
    /// Forgets what is cached for `did`.
    func purge(_ did: String) async
}
