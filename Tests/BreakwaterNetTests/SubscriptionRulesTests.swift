import FirehoseSync
@testable import BreakwaterNet

import Foundation
import Testing

/// Pure rules of the subscription: backoff bounds, endpoint URLs, `Retry-After`, which refusals are final.
@Suite("Subscription rules")
struct SubscriptionRulesTests {
    @Test func backoffDoublesFromOneSecondUpToFiveMinutesWithFullJitter() {
        var always = Backoff(random: { 1 })
        let ceilings = (0..<12).map { _ in always.nextDelay() }
        #expect(ceilings.prefix(4) == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
        #expect(ceilings.last == .seconds(300))
        var never = Backoff(random: { 0 })
        #expect(never.nextDelay() == .zero)
        #expect(never.nextDelay(minimum: .seconds(30)) == .seconds(30))
        always.reset()
        #expect(always.nextDelay() == .seconds(1))
    }

    @Test func relayURLsNameTheSubscriptionEndpoint() throws {
        let plain = try RelayURL("wss://bsky.network")
        #expect(plain.url(cursor: nil) == "wss://bsky.network/xrpc/com.atproto.sync.subscribeRepos")
        #expect(plain.url(cursor: 42) == "wss://bsky.network/xrpc/com.atproto.sync.subscribeRepos?cursor=42")
        #expect(plain.sniHostname == "bsky.network")
        let local = try RelayURL("ws://127.0.0.1:8080/xrpc/com.atproto.sync.subscribeRepos")
        #expect(local.url(cursor: 0) == "ws://127.0.0.1:8080/xrpc/com.atproto.sync.subscribeRepos?cursor=0")
        #expect(throws: NetError(.invalidURL, "")) { try RelayURL("ftp://example.com") }
        #expect(throws: NetError(.invalidURL, "")) { try RelayURL("wss://192.0.2.1") }
        #expect(try RelayURL("wss://192.0.2.1", sniHostname: "relay.example").sniHostname == "relay.example")
    }

    @Test func retryAfterAcceptsSecondsAndHTTPDates() {
        #expect(RetryAfter.parse("120") == .seconds(120))
        #expect(RetryAfter.parse("999999") == .seconds(3600))
        #expect(RetryAfter.parse("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_767_225_600)  // Thu, 01 Jan 2026 00:00:00 GMT
        #expect(RetryAfter.parse("Thu, 01 Jan 2026 00:01:00 GMT", now: now) == .seconds(60))
    }

    /// One parser for the subscription, getRepo and the webhook: spaces around delay-seconds are allowed, a negative
    /// number or an empty value is no answer, a date already past is no wait, and nothing asks for over an hour.
    @Test func retryAfterIsOneRuleForEveryCaller() {
        #expect(RetryAfter.parse(" 7 ") == .seconds(7))
        #expect(RetryAfter.parse("0") == .zero)
        #expect(RetryAfter.parse("-5") == nil)
        #expect(RetryAfter.parse("") == nil)
        #expect(RetryAfter.parse(nil) == nil)
        #expect(RetryAfter.parse("1.5") == nil)
        let now = Date(timeIntervalSince1970: 1_767_225_600)  // Thu, 01 Jan 2026 00:00:00 GMT
        #expect(RetryAfter.parse("Wed, 31 Dec 2025 23:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("Fri, 02 Jan 2026 00:00:00 GMT", now: now) == RetryAfter.ceiling)
    }

    @Test func onlyRefusalsThatRetryingCannotFixAreFinal() {
        #expect(FirehoseSubscription.isPermanentRefusal(501))
        #expect(FirehoseSubscription.isPermanentRefusal(404))
        #expect(!FirehoseSubscription.isPermanentRefusal(429))
        #expect(!FirehoseSubscription.isPermanentRefusal(503))
        #expect(!FirehoseSubscription.isPermanentRefusal(502))
    }
}
