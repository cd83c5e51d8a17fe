import ATIdentity
import BreakwaterNet
import Testing

/// Per-host request budgets for identity look-ups (Docs/SPEC.md §11: rate-limit PLC and did:web).
@Suite struct RateLimiterTests {
    @Test func aFullBucketAllowsItsBurstAtOnceThenOnePerInterval() {
        var bucket = TokenBucket(rate: 2, burst: 3)
        for _ in 0..<3 { #expect(bucket.reserve(at: 10, maxWait: 5) == 0) }
        #expect(bucket.reserve(at: 10, maxWait: 5) == 0.5)  // the 4th waits for the next token
        #expect(bucket.reserve(at: 10, maxWait: 5) == 1.0)  // and the 5th for the one after
    }

    @Test func tokensAccrueOverTimeUpToTheBurst() {
        var bucket = TokenBucket(rate: 1, burst: 2)
        #expect(bucket.reserve(at: 0, maxWait: 0) == 0)
        #expect(bucket.reserve(at: 0, maxWait: 0) == 0)
        #expect(bucket.reserve(at: 0, maxWait: 0) == nil)
        #expect(bucket.reserve(at: 1, maxWait: 0) == 0)
        let fullAfterOneSecond = bucket.isFull(at: 1)
        #expect(!fullAfterOneSecond)
        let fullAfterAWhile = bucket.isFull(at: 100)
        #expect(fullAfterAWhile)
        #expect(bucket.tokens == 2)  // never more than the burst
    }

    @Test func aRefusedRequestTakesNothing() {
        var bucket = TokenBucket(rate: 1, burst: 1)
        #expect(bucket.reserve(at: 0, maxWait: 0) == 0)
        for _ in 0..<10 { #expect(bucket.reserve(at: 0, maxWait: 0.5) == nil) }
        #expect(bucket.reserve(at: 0, maxWait: 1) == 1)
    }

    @Test func aClockGoingBackwardsAddsNoTokens() {
        var bucket = TokenBucket(rate: 1, burst: 1)
        #expect(bucket.reserve(at: 50, maxWait: 0) == 0)
        #expect(bucket.reserve(at: 10, maxWait: 0) == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func eachHostHasItsOwnBudgetAndWaitsAreBounded() async throws {
        let limiter = HostRateLimiter(defaultLimit: .init(perSecond: 0.01, burst: 2), overrides: ["plc.test": .init(perSecond: 0.01, burst: 5)],
                                      maxWait: .milliseconds(10))
        try await limiter.acquire(host: "a.test")
        try await limiter.acquire(host: "a.test")
        await #expect(throws: NetError(.rateLimited, "")) { try await limiter.acquire(host: "a.test") }
        try await limiter.acquire(host: "b.test")  // another host is unaffected
        for _ in 0..<5 { try await limiter.acquire(host: "plc.test") }
        await #expect(throws: NetError(.rateLimited, "")) { try await limiter.acquire(host: "plc.test") }
        #expect(await limiter.hostCount == 3)
    }

    @Test(.timeLimit(.minutes(1)))
    func idleHostsAreForgottenBeyondTheCap() async throws {
        let limiter = HostRateLimiter(defaultLimit: .init(perSecond: 1e12, burst: 1), maxWait: .seconds(1), maxHosts: 4)
        for index in 0..<20 { try await limiter.acquire(host: "h\(index).test") }
        #expect(await limiter.hostCount <= 5)
    }
}
