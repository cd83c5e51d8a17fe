public import ATCrypto
public import ATIdentity
import ATSyntax
public import FirehoseSync

/// The live ``KeyProvider`` (SPEC.md §11): signing keys from, in order,
///
/// 1. static identities (an identities file): authoritative for the DIDs it lists, never purged;
/// 2. the ``IdentityCache``: in memory, then its persistent ``IdentityCacheStore`` (successes 24 h,
///    failures 2 min), so a restart does not re-resolve the network;
/// 3. the resolver (PLC directory / did:web over HTTP), one request in flight per DID.
///
/// `fresh: true` (asked once after a signature failure) bypasses both caches and resolves again;
/// ``purge(_:)`` (on `#identity`) forgets a DID in memory and on disk. A DID that is not found, is
/// tombstoned, or has no usable key (none, unsupported type or curve, bad encoding) is
/// ``SigningKeyLookup/unavailable(_:)`` with the reason.
///
/// The hot path, a cached DID, is one actor hop and a dictionary look-up: no network, no disk. A DID
/// being resolved suspends only the callers asking for that DID.
public final class ResolvingKeyProvider: KeyProvider {
    /// Keys from the identities file, if one was given.
    public let staticKeys: StaticKeyProvider?
    /// The caching resolver.
    public let cache: IdentityCache
    private let http: IdentityHTTPClient?
    private let keys: KeyCache
    private let metrics: IngestMetrics
    private let now: @Sendable () -> Int64

    /// A provider. `http`, when given, is the client `resolver` uses; ``shutdown()`` closes it.
    public init(staticKeys: StaticKeyProvider?, resolver: any IdentityResolver, store: (any IdentityCacheStore)?,
                policy: IdentityCachePolicy = .standard, http: IdentityHTTPClient? = nil,
                keys: KeyCache = KeyCache(capacity: KeyCache.standardCapacity), metrics: IngestMetrics = IngestMetrics(),
                now: @escaping @Sendable () -> Int64) {
        self.metrics = metrics
        self.staticKeys = staticKeys
        self.cache = IdentityCache(upstream: resolver, policy: policy, store: store, now: now)
        self.http = http
        self.keys = keys
        self.now = now
    }

    public func signingKey(for did: String, seq: Int64?, fresh: Bool) async -> SigningKeyLookup {
        if let staticKeys, staticKeys.contains(did) {
            return await staticKeys.signingKey(for: did, seq: seq, fresh: fresh)
        }
        let parsed: DID
        do { parsed = try DID(did) } catch { return .unavailable("\(did) is not a valid DID: \(error)") }
        let startedAt = now()
        let identity: ResolvedIdentity
        do throws(ATIdentityError) {
            identity = fresh ? try await cache.refreshAfterSignatureFailure(parsed) : try await cache.resolve(parsed)
        } catch {
            // A failure stored during this call came from the resolver; an older one from the cache.
            let storedAt = await cache.cachedEntry(for: parsed)?.storedAt
            metrics.identityCache(hit: !fresh && storedAt.map { $0 < startedAt } == true)
            return .unavailable("\(error)")
        }
        // A key fetched during this call is as fresh as a forced refresh: no second look-up after a
        // signature failure with it.
        let fetched = fresh || identity.fetchedAt >= startedAt
        metrics.identityCache(hit: !fetched)
        return lookup(identity.signingKey, fresh: fetched)
    }

    public func purge(_ did: String) async {
        if let staticKeys, staticKeys.contains(did) { return }
        guard let parsed = try? DID(did) else { return }
        await cache.forget(parsed)
    }

    /// The host of the static entry, else of the cached identity (no network look-up).
    public func pdsHost(for did: String) async -> String? {
        if let staticKeys, staticKeys.contains(did) { return await staticKeys.pdsHost(for: did) }
        guard let parsed = try? DID(did), let entry = await cache.cachedEntry(for: parsed),
              case .success(let identity) = entry.result, let pds = identity.pds
        else { return nil }
        return EventReceipt.hostLabel(ofEndpoint: pds.description)
    }

    /// Closes the HTTP client, if this provider owns one. Call once, when done.
    public func shutdown() async {
        await http?.shutdown()
    }

    /// A parsed key (through the provider's ``KeyCache``) or why there is none.
    func lookup(_ reference: Result<SigningKeyReference, ATIdentityError>, fresh: Bool) -> SigningKeyLookup {
        switch reference {
        case .failure(let error):
            return .unavailable("\(error)")
        case .success(let reference):
            do {
                if let didKey = reference.didKeyString {
                    return .key(try keys.key(didKey: didKey), fresh: fresh)
                }
                return .key(try PublicKey(verificationMethodType: reference.type, publicKeyMultibase: reference.publicKeyMultibase), fresh: fresh)
            } catch {
                return .unavailable("unusable #atproto key: \(error)")
            }
        }
    }
}
