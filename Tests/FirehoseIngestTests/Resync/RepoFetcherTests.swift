import ATIdentity
import BreakwaterNet
import FirehoseIngest
import FirehoseSync
import FirehoseSynth
import Foundation
import NIOCore
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
        let pds = try await ScriptedHTTPServer { _, _ in .car(RepoFetcherTests.car) }
        let relay = try await ScriptedHTTPServer { uri, _ in .redirect(pds.base + uri) }
        let fetcher = Self.fetcher(relay: relay.base)
        let bytes = try await fetcher.fetchRepository(did: Self.did)
        await fetcher.shutdown()
        #expect(bytes == Self.car)
        #expect(relay.requestURIs == ["/xrpc/com.atproto.sync.getRepo?did=\(Self.did)"])
        #expect(pds.requestURIs == relay.requestURIs)
        await relay.close(); await pds.close()
    }

    @Test func relayWithoutTheRepositoryFallsBackToThePDSOfTheDIDDocument() async throws {
        let relay = try await ScriptedHTTPServer { _, _ in .status(501, body: #"{"error":"MethodNotImplemented"}"#) }
        let pds = try await ScriptedHTTPServer { _, _ in .car(RepoFetcherTests.car) }
        let fetcher = Self.fetcher(relay: "ws://127.0.0.1:\(relay.port)", pds: pds.base)
        #expect(try await fetcher.fetchRepository(did: Self.did) == Self.car)
        await fetcher.shutdown()
        #expect(relay.requestURIs.count == 1 && pds.requestURIs.count == 1)
        await relay.close(); await pds.close()
    }

    @Test func missingRepositoryIsRepoNotFound() async throws {
        let server = try await ScriptedHTTPServer { _, _ in .status(404, body: #"{"error":"RepoNotFound","message":"no"}"#) }
        #expect(await Self.code(Self.fetcher(relay: server.base, pds: server.base)) == "repo-not-found")
        let takendown = try await ScriptedHTTPServer { _, _ in .status(400, body: #"{"error":"RepoTakendown"}"#) }
        #expect(await Self.code(Self.fetcher(relay: takendown.base)) == "repo-unavailable")
        await server.close(); await takendown.close()
    }

    @Test func serverErrorIsFetchFailed() async throws {
        let server = try await ScriptedHTTPServer { _, _ in .status(500, body: "{}") }
        #expect(await Self.code(Self.fetcher(relay: server.base)) == "fetch-failed")
        let html = try await ScriptedHTTPServer { _, _ in .status(200, body: "<html></html>", headers: [("Content-Type", "text/html")]) }
        #expect(await Self.code(Self.fetcher(relay: html.base)) == "fetch-failed")
        await server.close(); await html.close()
    }

    @Test func silentServerHitsTheOverallTimeLimit() async throws {
        let server = try await ScriptedHTTPServer { _, _ in .hang }
        let started = ContinuousClock.now
        #expect(await Self.code(Self.fetcher(relay: server.base) { $0.totalTimeout = .milliseconds(600) }) == "fetch-timeout")
        #expect(ContinuousClock.now - started < .seconds(10))
        await server.close()
    }

    @Test func repositoryOverTheCapIsRefused() async throws {
        let announced = try await ScriptedHTTPServer { _, _ in .car(RepoFetcherTests.car) }
        #expect(await Self.code(Self.fetcher(relay: announced.base) { $0.maxBytes = 1000 }) == "response-too-large")
        let unannounced = try await ScriptedHTTPServer { _, _ in .car(RepoFetcherTests.car, announceLength: false) }
        #expect(await Self.code(Self.fetcher(relay: unannounced.base) { $0.maxBytes = 1000 }) == "response-too-large")
        await announced.close(); await unannounced.close()
    }

    @Test func transferBelowTheMinimumRateIsCut() async throws {
        let server = try await ScriptedHTTPServer { _, _ in .trickle(RepoFetcherTests.car, chunk: 16, interval: .milliseconds(100)) }
        let code = await Self.code(Self.fetcher(relay: server.base) {
            $0.minimumBytesPerSecond = 10_000
            $0.rateGracePeriod = .milliseconds(400)
        })
        #expect(code == "fetch-too-slow")
        await server.close()
    }

    @Test func redirectsAreBounded() async throws {
        let server = try await ScriptedHTTPServer { uri, _ in .redirect(uri) }
        #expect(await Self.code(Self.fetcher(relay: server.base) { $0.maxRedirects = 2 }) == "bad-redirect")
        #expect(server.requestURIs.count == 3)
        let elsewhere = try await ScriptedHTTPServer { _, _ in .redirect("http://10.0.0.1/xrpc/com.atproto.sync.getRepo") }
        #expect(await Self.code(Self.fetcher(relay: elsewhere.base)) == "bad-redirect")
        await server.close(); await elsewhere.close()
    }

    @Test func retryAfterLeavesTheHostAlone() async throws {
        let server = try await ScriptedHTTPServer { _, _ in .status(429, body: "{}", headers: [("Retry-After", "60")]) }
        let fetcher = Self.fetcher(relay: server.base)
        for _ in 0..<2 {
            do {
                _ = try await fetcher.fetchRepository(did: Self.did)
                Issue.record("a 429 must fail")
            } catch let error as NetError {
                #expect(error.code == .rateLimited)
            }
        }
        #expect(server.requestURIs.count == 1)  // the second attempt did not reach the host
        await fetcher.shutdown()
        await server.close()
    }

    @Test func loopbackNeedsTheSameSwitchAsThePLCDirectory() async throws {
        let server = try await ScriptedHTTPServer { _, _ in .car(RepoFetcherTests.car) }
        #expect(await Self.code(Self.fetcher(relay: server.base) { $0.allowHTTPLoopback = false }) == "forbidden-address")
        #expect(server.requestURIs.isEmpty)
        #expect(await Self.code(Self.fetcher(relay: nil)) == "no-repo-source")
        await server.close()
    }
}
