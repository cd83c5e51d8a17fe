public import ATSyntax

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
///
/// Time comes from the injected `now` closure (µs since the Unix epoch), never from a clock read here.
public actor IdentityCache: IdentityResolver {
    private typealias Outcome = Result<ResolvedIdentity, ATIdentityError>

    private struct Flight {
        let id: UInt64
        let task: Task<Outcome, Never>
    }

    /// The caching rules.
    public nonisolated let policy: IdentityCachePolicy
    private let upstream: any IdentityResolver
    private let now: @Sendable () -> Int64
    private var entries: LRUDictionary<DID, IdentityCachePolicy.Entry>
    private var inFlight: [DID: Flight] = [:]
    private var flightCounter: UInt64 = 0

    /// A cache in front of `upstream`.
    public init(upstream: any IdentityResolver, policy: IdentityCachePolicy = .standard,
                now: @escaping @Sendable () -> Int64) {
        self.upstream = upstream
        self.policy = policy
        self.now = now
        self.entries = LRUDictionary(capacity: policy.capacity)
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
        return try await fetch(did).get()
    }

    /// Forgets `did` (cached entry and any request in flight).
    public func purge(_ did: DID) {
        entries.remove(did)
        inFlight[did] = nil
    }

    /// After a signature failed with the cached key: purge `did` and resolve it once more (joining a
    /// request already in flight), unless the policy's cooldown says the cached entry is recent enough.
    public func refreshAfterSignatureFailure(_ did: DID) async throws(ATIdentityError) -> ResolvedIdentity {
        let entry = entries.peek(did)
        if let entry, !policy.shouldRefreshAfterSignatureFailure(entry, now: now()) {
            return try entry.result.get()
        }
        entries.remove(did)
        return try await fetch(did).get()
    }

    /// One upstream request per DID; its outcome is stored unless the DID was purged meanwhile.
    private func fetch(_ did: DID) async -> Outcome {
        if let flight = inFlight[did] { return await flight.task.value }
        flightCounter += 1
        let id = flightCounter
        let upstream = self.upstream
        let task = Task<Outcome, Never> {
            do throws(ATIdentityError) {
                return .success(try await upstream.resolve(did))
            } catch {
                return .failure(error)
            }
        }
        inFlight[did] = Flight(id: id, task: task)
        let outcome = await task.value
        if inFlight[did]?.id == id {
            inFlight[did] = nil
            entries.set(IdentityCachePolicy.Entry(result: outcome, storedAt: now()), for: did)
        }
        return outcome
    }
}
