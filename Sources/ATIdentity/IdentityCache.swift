public import ATSyntax
import IPLD

/// An in-memory caching ``IdentityResolver`` in front of another resolver.
///
/// - Successes are reused for ``IdentityCachePolicy/successTTL``, failures for
///   ``IdentityCachePolicy/failureTTL``.
/// - At most one upstream request per DID is in flight: concurrent callers for the same DID wait for
///   the same request.
/// - At most ``IdentityCachePolicy/capacity`` entries; the least recently used are evicted.
/// - ``purge(_:)`` forgets a DID (on `#identity`); a request already in flight for it is detached, so
///   its result is not stored.
/// - ``refreshAfterSignatureFailure(_:)`` purges and resolves once more.
/// - With a persistent ``IdentityCacheStore``, a DID missing from memory is looked up there first (an
///   entry still fresh under the policy is used as stored, with its original time, so a restart
///   neither re-resolves it nor extends its life); upstream results are saved there. Store calls run
///   off the actor, inside the request task, so a slow disk never blocks look-ups of cached DIDs.
///   ``refreshAfterSignatureFailure(_:)`` bypasses the store; ``forget(_:)`` also deletes from it.
///
/// Time comes from the injected `now` closure (µs since the Unix epoch), never from a clock read here.
public actor IdentityCache: IdentityResolver {
    private typealias Outcome = Result<ResolvedIdentity, ATIdentityError>

    private struct Flight {
        let id: UInt64
        /// True when the request skips the persistent store (a refresh after a signature failure).
        let upstreamOnly: Bool
        let task: Task<IdentityCachePolicy.Entry, Never>
    }

    /// The caching rules.
    public nonisolated let policy: IdentityCachePolicy
    private let upstream: any IdentityResolver
    private let store: (any IdentityCacheStore)?
    private let now: @Sendable () -> Int64
    private var entries: BoundedLRU<DID, IdentityCachePolicy.Entry>
    private var inFlight: [DID: Flight] = [:]
    private var flightCounter: UInt64 = 0

    /// A cache in front of `upstream`, backed by `store` when given.
    public init(upstream: any IdentityResolver, policy: IdentityCachePolicy = .standard,
                store: (any IdentityCacheStore)? = nil, now: @escaping @Sendable () -> Int64) {
        self.upstream = upstream
        self.store = store
        self.policy = policy
        self.now = now
        self.entries = BoundedLRU(capacity: policy.capacity)
    }

    /// The number of cached entries (successes and failures).
    public var count: Int { entries.count }

    /// The number of DIDs with a request in flight.
    public var inFlightCount: Int { inFlight.count }

    /// The cached entry for `did`, fresh or not, without changing recency.
    public func cachedEntry(for did: DID) -> IdentityCachePolicy.Entry? { entries.peek(did) }

    /// Resolves `did`, from the cache when a fresh entry exists.
    public func resolve(_ did: DID) async throws(ATIdentityError) -> ResolvedIdentity {
        if let entry = entries.value(for: did) {
            if policy.isFresh(entry, now: now()) { return try entry.result.get() }
            entries.remove(did)
        }
        return try await fetch(did, upstreamOnly: false).result.get()
    }

    /// Forgets `did` in memory (cached entry and any request in flight); the persistent store, if any,
    /// keeps its entry (see ``forget(_:)``).
    public func purge(_ did: DID) {
        entries.remove(did)
        inFlight[did] = nil
    }

    /// Forgets `did` in memory and in the persistent store (on `#identity`). A store failure is
    /// ignored: the stored entry then simply lives out its TTL.
    public nonisolated func forget(_ did: DID) async {
        await purge(did)
        try? store?.deleteIdentity(did)
    }

    /// After a signature failed with the cached key: purge `did` and resolve it once more (joining a
    /// request already in flight), unless the policy's cooldown says the cached entry is recent enough.
    public func refreshAfterSignatureFailure(_ did: DID) async throws(ATIdentityError) -> ResolvedIdentity {
        let entry = entries.peek(did)
        if let entry, !policy.shouldRefreshAfterSignatureFailure(entry, now: now()) {
            return try entry.result.get()
        }
        entries.remove(did)
        return try await fetch(did, upstreamOnly: true).result.get()
    }

    /// One request per DID (a refresh does not join a request that may be answered from the store);
    /// its entry is kept in memory, and saved to the store, unless the DID was purged meanwhile.
    private func fetch(_ did: DID, upstreamOnly: Bool) async -> IdentityCachePolicy.Entry {
        if let flight = inFlight[did], flight.upstreamOnly || !upstreamOnly { return await flight.task.value }
        flightCounter += 1
        let id = flightCounter
        let (upstream, store, policy, now) = (self.upstream, self.store, self.policy, self.now)
        // Detached so that the store's synchronous calls never run on this actor; owned by `inFlight`
        // and awaited below.
        let task = Task<IdentityCachePolicy.Entry, Never>.detached {
            if !upstreamOnly, let store, let stored = try? store.loadIdentity(did), policy.isFresh(stored, now: now()) {
                return stored
            }
            let outcome: Outcome
            do throws(ATIdentityError) {
                outcome = .success(try await upstream.resolve(did))
            } catch {
                outcome = .failure(error)
            }
            let entry = IdentityCachePolicy.Entry(result: outcome, storedAt: now())
            if let store, await self.isCurrent(did, flight: id) { try? store.saveIdentity(did, entry) }
            return entry
        }
        inFlight[did] = Flight(id: id, upstreamOnly: upstreamOnly, task: task)
        let entry = await task.value
        if inFlight[did]?.id == id {
            inFlight[did] = nil
            entries.set(entry, for: did)
        }
        return entry
    }

    private func isCurrent(_ did: DID, flight id: UInt64) -> Bool { inFlight[did]?.id == id }
}
