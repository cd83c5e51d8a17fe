import ATIdentity
import BreakwaterNet
import FirehoseIngest
import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import Testing

/// The `getRepo` client's rules (Docs/SPEC.md §7.5 step 2, §13) against a scripted loopback server.
@Suite(.timeLimit(.minutes(1))) struct RepoFetcherTests {
    static let did = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"
    static let car: [UInt8] = Array(repeating: 0x42, count: 4096)

    struct FixedPDS: IdentityDirectory {
        let url: String?
        func pdsEndpoint(for did: String) async -> String? { url }
        func signingKey(for did: String, seq: Int64?, fresh: Bool) async -> SigningKeyLookup { .unavailable("no keys here") }
        func pdsHost(for did: String) async -> String? { nil }
        func purge(_ did: String) async {}
    }

    static func fetcher(relay: String?, pds: String? = nil,
                        _ tweak: (inout RepoFetchConfiguration) -> Void = { _ in }) -> HTTPRepoFetcher {
        var configuration = RepoFetchConfiguration(connectTimeout: .seconds(2), totalTimeout: .seconds(5), idleTimeout: .seconds(5),
                                                   minimumBytesPerSecond: 1, rateGracePeriod: .seconds(5), allowHTTPLoopback: true,
                                                   perHostLimit: .init(perSecond: 1000, burst: 1000))
        tweak(&configuration)
        return HTTPRepoFetcher(relay: relay, pds: pds.map { FixedPDS(url: $0) }, configuration: configuration, logger: LiveTest.logger)
    }

    /// Fetches `did` and returns the error code (nil on success).
    static func code(_ fetcher: HTTPRepoFetcher) async -> String? {
        let code: String?
        do {
            _ = try await fetcher.fetchRepository(did: did)
            code = nil
        } catch let error as NetError {
            code = error.code.description
        } catch {
            code = "unexpected: \(error)"
        }
        await fetcher.shutdown()
        return code
    }

    @Test func relayRedirectIsFollowedToThePDS() async throws {
        let pds = try ScriptedHTTPServer { _, _ in .car(RepoFetcherTests.car) }
        let relay = try ScriptedHTTPServer { request, _ in .redirect(pds.baseURL + request.target) }
        let fetcher = Self.fetcher(relay: relay.baseURL)
        let bytes = try await fetcher.fetchRepository(did: Self.did)
        await fetcher.shutdown()
        #expect(bytes == Self.car)
        #expect(relay.targets == ["/xrpc/com.atproto.sync.getRepo?did=\(Self.did)"])
        #expect(pds.targets == relay.targets)
        relay.stop(); pds.stop()
    }

    @Test func relayWithoutTheRepositoryFallsBackToThePDSOfTheDIDDocument() async throws {
        let relay = try ScriptedHTTPServer { _, _ in .json(#"{"error":"MethodNotImplemented"}"#, status: 501) }
        let pds = try ScriptedHTTPServer { _, _ in .car(RepoFetcherTests.car) }
        let fetcher = Self.fetcher(relay: "ws://127.0.0.1:\(relay.port)", pds: pds.baseURL)
        #expect(try await fetcher.fetchRepository(did: Self.did) == Self.car)
        await fetcher.shutdown()
        #expect(relay.targets.count == 1 && pds.targets.count == 1)
        relay.stop(); pds.stop()
    }

    @Test func missingRepositoryIsRepoNotFound() async throws {
        let server = try ScriptedHTTPServer { _, _ in .json(#"{"error":"RepoNotFound","message":"no"}"#, status: 404) }
        #expect(await Self.code(Self.fetcher(relay: server.baseURL, pds: server.baseURL)) == "repo-not-found")
        let takendown = try ScriptedHTTPServer { _, _ in .json(#"{"error":"RepoTakendown"}"#, status: 400) }
        #expect(await Self.code(Self.fetcher(relay: takendown.baseURL)) == "repo-unavailable")
        server.stop(); takendown.stop()
    }

    @Test func serverErrorIsFetchFailed() async throws {
        let server = try ScriptedHTTPServer { _, _ in .json("{}", status: 500) }
        #expect(await Self.code(Self.fetcher(relay: server.baseURL)) == "fetch-failed")
        let html = try ScriptedHTTPServer { _, _ in .status(200, headers: [("Content-Type", "text/html")], body: Array("<html></html>".utf8)) }
        #expect(await Self.code(Self.fetcher(relay: html.baseURL)) == "fetch-failed")
        server.stop(); html.stop()
    }

    @Test func silentServerHitsTheOverallTimeLimit() async throws {
        let server = try ScriptedHTTPServer { _, _ in .hang }
        let started = ContinuousClock.now
        #expect(await Self.code(Self.fetcher(relay: server.baseURL) { $0.totalTimeout = .milliseconds(600) }) == "fetch-timeout")
        #expect(ContinuousClock.now - started < .seconds(10))
        server.stop()
    }

    @Test func repositoryOverTheCapIsRefused() async throws {
        let announced = try ScriptedHTTPServer { _, _ in .car(RepoFetcherTests.car) }
        #expect(await Self.code(Self.fetcher(relay: announced.baseURL) { $0.maxBytes = 1000 }) == "response-too-large")
        let unannounced = try ScriptedHTTPServer { _, _ in .car(RepoFetcherTests.car, announceLength: false) }
        #expect(await Self.code(Self.fetcher(relay: unannounced.baseURL) { $0.maxBytes = 1000 }) == "response-too-large")
        announced.stop(); unannounced.stop()
    }

    @Test func transferBelowTheMinimumRateIsCut() async throws {
        let server = try ScriptedHTTPServer { _, _ in .trickle(200, headers: [("Content-Type", "application/vnd.ipld.car")], body: RepoFetcherTests.car, chunk: 16, interval: .milliseconds(100)) }
        let code = await Self.code(Self.fetcher(relay: server.baseURL) {
            $0.minimumBytesPerSecond = 10_000
            $0.rateGracePeriod = .milliseconds(400)
        })
        #expect(code == "fetch-too-slow")
        server.stop()
    }

    @Test func redirectsAreBounded() async throws {
        let server = try ScriptedHTTPServer { request, _ in .redirect(request.target) }
        #expect(await Self.code(Self.fetcher(relay: server.baseURL) { $0.maxRedirects = 2 }) == "bad-redirect")
        #expect(server.targets.count == 3)
        let elsewhere = try ScriptedHTTPServer { _, _ in .redirect("http://10.0.0.1/xrpc/com.atproto.sync.getRepo") }
        #expect(await Self.code(Self.fetcher(relay: elsewhere.baseURL)) == "bad-redirect")
        server.stop(); elsewhere.stop()
    }

    @Test func retryAfterLeavesTheHostAlone() async throws {
        let server = try ScriptedHTTPServer { _, _ in .json("{}", status: 429, headers: [("Retry-After", "60")]) }
        let fetcher = Self.fetcher(relay: server.baseURL)
        for _ in 0..<2 {
            do {
                _ = try await fetcher.fetchRepository(did: Self.did)
                Issue.record("a 429 must fail")
            } catch let error as NetError {
                #expect(error.code == .rateLimited)
            }
        }
        #expect(server.targets.count == 1)  // the second attempt did not reach the host
        await fetcher.shutdown()
        server.stop()
    }

    @Test func loopbackNeedsTheSameSwitchAsThePLCDirectory() async throws {
        let server = try ScriptedHTTPServer { _, _ in .car(RepoFetcherTests.car) }
        #expect(await Self.code(Self.fetcher(relay: server.baseURL) { $0.allowHTTPLoopback = false }) == "forbidden-address")
        #expect(server.targets.isEmpty)
        #expect(await Self.code(Self.fetcher(relay: nil)) == "no-repo-source")
        server.stop()
    }
}
