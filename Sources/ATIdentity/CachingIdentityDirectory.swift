public import ATCrypto
import ATSyntax

/// The live ``IdentityDirectory``: signing keys from, in order,
///
/// 1. static identities (an identities file): authoritative for the DIDs it lists, never purged;
/// 2. the ``IdentityCache``: in memory, then its persistent ``IdentityCacheStore`` (successes 24 h, failures
///    2 min), so a restart does not re-resolve the network;
/// 3. the resolver (PLC directory / did:web), one request in flight per DID.
///
/// `fresh: true` (asked once after a signature failure) bypasses both caches and resolves again; ``purge(_:)``
/// (on `#identity`) forgets a DID in memory and on disk. A DID that is not found, is tombstoned, or has no usable
/// key (none, unsupported type or curve, bad encoding) is ``SigningKeyLookup/unavailable(_:)`` with the reason.
///
/// The hot path, a cached DID, is one actor hop and a dictionary look-up: no network, no disk. A DID being
/// resolved suspends only the callers asking for that DID.
public final class CachingIdentityDirectory: IdentityDirectory {
    /// Keys from the identities file, if one was given.
    public let staticKeys: StaticIdentityDirectory?
    /// The caching resolver.
    public let cache: IdentityCache
    private let release: (@Sendable () async -> Void)?
    private let keys: KeyCache
    private let onLookup: @Sendable (_ cacheHit: Bool) -> Void
    private let now: @Sendable () -> Int64

    /// A directory parsing keys through `keys`. `release`, when given, releases what `resolver` holds (its HTTP client) and is called by
    /// ``shutdown()``; `onLookup` is told of each resolved look-up whether the cache answered it (a metric).
    public init(staticKeys: StaticIdentityDirectory?, resolver: any IdentityResolver, store: (any IdentityCacheStore)?,
                policy: IdentityCachePolicy = .standard, release: (@Sendable () async -> Void)? = nil,
                keys: KeyCache = KeyCache(capacity: KeyCache.standardCapacity), onLookup: @escaping @Sendable (_ cacheHit: Bool) -> Void = { _ in },
                now: @escaping @Sendable () -> Int64) {
        self.staticKeys = staticKeys
        self.cache = IdentityCache(upstream: resolver, policy: policy, store: store, now: now)
        self.release = release
        self.keys = keys
        self.onLookup = onLookup
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
            onLookup(!fresh && storedAt.map { $0 < startedAt } == true)
            return .unavailable("\(error)")
        }
        // A key fetched during this call is as fresh as a forced refresh: no second look-up after a signature
        // failure with it.
        let fetched = fresh || identity.fetchedAt >= startedAt
        onLookup(!fetched)
        return SigningKeyLookup(identity.signingKey, fresh: fetched, cache: keys)
    }

    /// The PDS from the DID document, through the same identity cache as the signing keys (no second resolution
    /// path).
    public func pdsEndpoint(for did: String) async -> String? {
        guard let parsed = try? DID(did), let identity = try? await cache.resolve(parsed) else { return nil }
        return identity.pds?.description
    }

    /// The host of the static entry, else of the cached identity (no network look-up).
    public func pdsHost(for did: String) async -> String? {
        if let staticKeys, staticKeys.contains(did) { return await staticKeys.pdsHost(for: did) }
        guard let parsed = try? DID(did), let entry = await cache.cachedEntry(for: parsed),
              case .success(let identity) = entry.result, let pds = identity.pds
        else { return nil }
        return pds.hostLabel
    }

    public func purge(_ did: String) async {
        if let staticKeys, staticKeys.contains(did) { return }
        guard let parsed = try? DID(did) else { return }
        await cache.forget(parsed)
    }

    /// Releases the resolver's resources (its HTTP client), if given. Call once, when done.
    public func shutdown() async {
        await release?()
    }
}
