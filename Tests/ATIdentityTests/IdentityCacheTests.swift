import ATIdentity
import ATSyntax
import Synchronization
import Testing

/// A settable clock in microseconds since the epoch.
final class TestClock: Sendable {
    private let micros = Atomic<Int64>(0)
    var now: Int64 { micros.load(ordering: .relaxed) }
    func set(_ value: Int64) { micros.store(value, ordering: .relaxed) }
    func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        set(now + seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }
}

/// Counts callers that have started.
final class StartCounter: Sendable {
    let value = Atomic<Int>(0)
}

/// Holds upstream requests until opened.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}

/// A resolver that counts calls per DID, fails for DIDs it is told to, and can be held at a gate.
/// Each call's key carries the call number, so a re-resolution is visible.
final class CountingResolver: IdentityResolver {
    private let calls = Mutex<[DID: Int]>([:])
    let failing: Set<DID>
    let gate: Gate?
    let clock: TestClock

    init(failing: Set<DID> = [], gate: Gate? = nil, clock: TestClock) {
        self.failing = failing
        self.gate = gate
        self.clock = clock
    }

    func count(_ did: DID) -> Int { calls.withLock { $0[did] ?? 0 } }
    var total: Int { calls.withLock { $0.values.reduce(0, +) } }

    func resolve(_ did: DID) async throws(ATIdentityError) -> ResolvedIdentity {
        let number = calls.withLock { counts in
            counts[did, default: 0] += 1
            return counts[did]!
        }
        if let gate { await gate.wait() }
        if failing.contains(did) { throw ATIdentityError(.notFound, "\(did) unknown") }
        let key = try SigningKeyReference(type: "Multikey", publicKeyMultibase: "zKey\(number)")
        return ResolvedIdentity(did: did, signingKey: .success(key), pds: nil, handle: nil, fetchedAt: clock.now)
    }
}

@Suite struct IdentityCacheTests {
    static let alice = try! DID("did:plc:alice")
    static let bob = try! DID("did:plc:bob")
    static let carol = try! DID("did:plc:carol")

    @Test(.timeLimit(.minutes(1)))
    func concurrentCallersShareOneRequestPerDID() async throws {
        let clock = TestClock()
        let gate = Gate()
        let upstream = CountingResolver(gate: gate, clock: clock)
        // Zero TTL: nothing is ever served from the cache, so only coalescing can prevent repeats.
        let cache = IdentityCache(upstream: upstream, policy: IdentityCachePolicy(successTTL: .zero), now: { clock.now })
        let dids = try (0..<8).map { try DID("did:plc:user\($0)") }
        let callersPerDID = 50
        let started = StartCounter()
        try await withThrowingTaskGroup(of: (DID, ResolvedIdentity).self) { group in
            for did in dids {
                for _ in 0..<callersPerDID {
                    group.addTask {
                        started.value.add(1, ordering: .relaxed)
                        return (did, try await cache.resolve(did))
                    }
                }
            }
            while started.value.load(ordering: .relaxed) < dids.count * callersPerDID { await Task.yield() }
            try await Task.sleep(for: .milliseconds(200))
            #expect(await cache.inFlightCount == dids.count)
            await gate.open()
            var answers = 0
            for try await (did, identity) in group {
                #expect(identity.did == did)
                #expect(identity.signingKeyReference?.publicKeyMultibase == "zKey1")
                answers += 1
            }
            #expect(answers == dids.count * callersPerDID)
        }
        for did in dids { #expect(upstream.count(did) == 1) }
        #expect(await cache.inFlightCount == 0)
    }

    @Test func successesAreReusedForTwentyFourHours() async throws {
        let clock = TestClock()
        let upstream = CountingResolver(clock: clock)
        let cache = IdentityCache(upstream: upstream, now: { clock.now })
        _ = try await cache.resolve(Self.alice)
        clock.advance(by: .seconds(24 * 3600 - 1))
        _ = try await cache.resolve(Self.alice)
        #expect(upstream.count(Self.alice) == 1)
        clock.advance(by: .seconds(1))
        let again = try await cache.resolve(Self.alice)
        #expect(upstream.count(Self.alice) == 2)
        #expect(again.signingKeyReference?.publicKeyMultibase == "zKey2")
    }

    @Test func failuresAreReusedForTwoMinutes() async throws {
        let clock = TestClock()
        let upstream = CountingResolver(failing: [Self.bob], clock: clock)
        let cache = IdentityCache(upstream: upstream, now: { clock.now })
        await #expect(throws: ATIdentityError(.notFound, "")) { try await cache.resolve(Self.bob) }
        clock.advance(by: .seconds(119))
        await #expect(throws: ATIdentityError(.notFound, "")) { try await cache.resolve(Self.bob) }
        #expect(upstream.count(Self.bob) == 1)
        clock.advance(by: .seconds(1))
        await #expect(throws: ATIdentityError(.notFound, "")) { try await cache.resolve(Self.bob) }
        #expect(upstream.count(Self.bob) == 2)
    }

    @Test func purgeForcesAFreshResolution() async throws {
        let clock = TestClock()
        let upstream = CountingResolver(clock: clock)
        let cache = IdentityCache(upstream: upstream, now: { clock.now })
        _ = try await cache.resolve(Self.alice)
        _ = try await cache.resolve(Self.bob)
        await cache.purge(Self.alice)
        _ = try await cache.resolve(Self.alice)
        _ = try await cache.resolve(Self.bob)
        #expect(upstream.count(Self.alice) == 2)
        #expect(upstream.count(Self.bob) == 1)
    }

    @Test func signatureFailureResolvesOnceMore() async throws {
        let clock = TestClock()
        let upstream = CountingResolver(clock: clock)
        let cache = IdentityCache(upstream: upstream, now: { clock.now })
        #expect(try await cache.resolve(Self.alice).signingKeyReference?.publicKeyMultibase == "zKey1")
        let refreshed = try await cache.refreshAfterSignatureFailure(Self.alice)
        #expect(refreshed.signingKeyReference?.publicKeyMultibase == "zKey2")
        // The refreshed identity is what the cache now serves.
        #expect(try await cache.resolve(Self.alice).signingKeyReference?.publicKeyMultibase == "zKey2")
        #expect(upstream.count(Self.alice) == 2)
    }

    @Test func refreshCooldownDampsRepeatedSignatureFailures() async throws {
        let clock = TestClock()
        let upstream = CountingResolver(clock: clock)
        let cache = IdentityCache(upstream: upstream, policy: IdentityCachePolicy(refreshCooldown: .seconds(60)), now: { clock.now })
        _ = try await cache.resolve(Self.alice)
        clock.advance(by: .seconds(10))
        _ = try await cache.refreshAfterSignatureFailure(Self.alice)
        #expect(upstream.count(Self.alice) == 1)
        clock.advance(by: .seconds(50))
        _ = try await cache.refreshAfterSignatureFailure(Self.alice)
        #expect(upstream.count(Self.alice) == 2)
    }

    @Test func leastRecentlyUsedEntriesAreEvicted() async throws {
        let clock = TestClock()
        let upstream = CountingResolver(clock: clock)
        let cache = IdentityCache(upstream: upstream, policy: IdentityCachePolicy(capacity: 2), now: { clock.now })
        _ = try await cache.resolve(Self.alice)
        _ = try await cache.resolve(Self.bob)
        _ = try await cache.resolve(Self.alice)  // alice is now the most recent
        _ = try await cache.resolve(Self.carol)  // evicts bob
        #expect(await cache.count == 2)
        _ = try await cache.resolve(Self.alice)
        #expect(upstream.count(Self.alice) == 1)
        _ = try await cache.resolve(Self.bob)
        #expect(upstream.count(Self.bob) == 2)
        #expect(await cache.cachedEntry(for: Self.carol) == nil)  // carol was least recent when bob came back
    }

    @Test(.timeLimit(.minutes(1)))
    func purgeDuringARequestDiscardsItsResult() async throws {
        let clock = TestClock()
        let gate = Gate()
        let upstream = CountingResolver(gate: gate, clock: clock)
        let cache = IdentityCache(upstream: upstream, now: { clock.now })
        async let first = cache.resolve(Self.alice)
        while await cache.inFlightCount == 0 { await Task.yield() }
        await cache.purge(Self.alice)
        await gate.open()
        _ = try await first
        #expect(await cache.cachedEntry(for: Self.alice) == nil)
        _ = try await cache.resolve(Self.alice)
        #expect(upstream.count(Self.alice) == 2)
    }
}

@Suite struct IdentityCachePolicyTests {
    static func entry(success: Bool, at time: Int64) throws -> IdentityCachePolicy.Entry {
        let did = try DID("did:plc:alice")
        let result: Result<ResolvedIdentity, ATIdentityError> = success
            ? .success(ResolvedIdentity(did: did, signingKey: .failure(ATIdentityError(.noSigningKey, "")), pds: nil, handle: nil, fetchedAt: time))
            : .failure(ATIdentityError(.resolutionFailed, "timeout"))
        return IdentityCachePolicy.Entry(result: result, storedAt: time)
    }

    @Test func defaultsMatchTheSpec() {
        let policy = IdentityCachePolicy.standard
        #expect(policy.successTTL == .seconds(86_400))
        #expect(policy.failureTTL == .seconds(120))
        #expect(policy.capacity == 250_000)
    }

    @Test func freshnessBoundariesAreExact() throws {
        let policy = IdentityCachePolicy.standard
        let start: Int64 = 1_700_000_000_000_000
        let success = try Self.entry(success: true, at: start)
        #expect(policy.isFresh(success, now: start))
        #expect(policy.isFresh(success, now: start + 86_400_000_000 - 1))
        #expect(!policy.isFresh(success, now: start + 86_400_000_000))
        #expect(!policy.isFresh(success, now: start - 1))  // a clock that went backwards does not extend life
        let failure = try Self.entry(success: false, at: start)
        #expect(policy.isFresh(failure, now: start + 119_999_999))
        #expect(!policy.isFresh(failure, now: start + 120_000_000))
    }

    @Test func signatureFailuresAlwaysRefreshByDefault() throws {
        let policy = IdentityCachePolicy.standard
        #expect(policy.shouldRefreshAfterSignatureFailure(try Self.entry(success: true, at: 5), now: 5))
        #expect(policy.shouldRefreshAfterSignatureFailure(nil, now: 5))
    }
}
