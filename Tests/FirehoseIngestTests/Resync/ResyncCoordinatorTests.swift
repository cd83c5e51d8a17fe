import ATIdentity
import ATCrypto
@testable import BreakwaterNet
@testable import FirehoseIngest
import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import Synchronization
import Testing

/// Fetch, verify, back off and give up (Docs/SPEC.md §7.5 steps 2, 3 and 6), with real HTTP on loopback.
@Suite(.timeLimit(.minutes(1))) struct ResyncCoordinatorTests {
    /// One small synthetic account: its DID, final repository CAR and identities.
    static let account: (did: String, car: [UInt8], identities: Data, now: Int64) = {
        var generator = SynthGenerator(configuration: SynthConfiguration(repos: 2, commits: 20, seed: 5)) { _ in }
        try! generator.run()
        let (did, car) = try! generator.repositoryCARs().sorted { $0.did < $1.did }[0]
        return (did, car, try! generator.identitiesJSON(), SynthConfiguration(repos: 1, commits: 0, seed: 0).startMicros + 86_400_000_000)
    }()

    /// Requests a resync of the account from `server` and returns the first completion (or nil after `limit`).
    static func resync(from server: ScriptedHTTPServer, keys: (any IdentityDirectory)? = nil, maxAttempts: Int = 3) async throws
        -> (completion: ResyncCompletion?, counts: ResyncCounts) {
        let fetcher = HTTPRepoFetcher(relay: server.baseURL, pds: nil,
                                      configuration: RepoFetchConfiguration(totalTimeout: .seconds(5), allowHTTPLoopback: true,
                                                                            perHostLimit: .init(perSecond: 1000, burst: 1000)),
                                      logger: LiveTest.logger)
        let now = account.now
        let coordinator = ResyncCoordinator(
            configuration: ResyncConfiguration(concurrency: 1, maxAttempts: maxAttempts, initialBackoff: .milliseconds(30)),
            fetcher: fetcher, keys: try keys ?? StaticIdentityDirectory(data: account.identities), logger: LiveTest.logger,
            now: { now })
        #expect(coordinator.request(account.did, reason: "test"))
        #expect(!coordinator.request(account.did, reason: "again") || coordinator.pendingCount == 1)
        let box = CompletionBox()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await coordinator.run { completion in box.value.withLock { $0 = $0 ?? completion } } }
            group.addTask {
                for _ in 0..<200 where box.value.withLock({ $0 == nil }) { try? await Task.sleep(for: .milliseconds(20)) }
            }
            await group.next()
            group.cancelAll()
        }
        await fetcher.shutdown()
        return (box.value.withLock { $0 }, coordinator.counts)
    }

    final class CompletionBox: Sendable {
        let value = Mutex<ResyncCompletion?>(nil)
    }

    static func failure(_ completion: ResyncCompletion?) -> String? {
        guard case .gaveUp(let reason)? = completion?.result else { return nil }
        return reason
    }

    @Test func serverErrorThenSuccessRetriesAfterABackoff() async throws {
        let server = try ScriptedHTTPServer { _, count in
            count == 0 ? .json("{}", status: 500) : .car(ResyncCoordinatorTests.account.car)
        }
        let (completion, counts) = try await Self.resync(from: server)
        guard case .fetched(let repository)? = completion?.result else {
            Issue.record("expected a verified repository, got \(String(describing: completion))")
            return
        }
        #expect(repository.did == Self.account.did && repository.records > 0)
        #expect(counts.started == 2 && counts.failed == 1 && counts.gaveUp == 0)
        #expect(server.targets.count == 2)
        server.stop()
    }

    @Test func missingRepositoryGivesUpAfterTheLastAttempt() async throws {
        let server = try ScriptedHTTPServer { _, _ in .json(#"{"error":"RepoNotFound"}"#, status: 404) }
        let (completion, counts) = try await Self.resync(from: server, maxAttempts: 3)
        #expect(Self.failure(completion)?.hasPrefix("repo-not-found") == true, "\(String(describing: completion))")
        #expect(counts.started == 3 && counts.failed == 3 && counts.gaveUp == 1)
        server.stop()
    }

    @Test func silentServerTimesOut() async throws {
        let server = try ScriptedHTTPServer { _, _ in .hang }
        let fetcher = HTTPRepoFetcher(relay: server.baseURL, pds: nil,
                                      configuration: RepoFetchConfiguration(totalTimeout: .milliseconds(300), allowHTTPLoopback: true),
                                      logger: LiveTest.logger)
        let coordinator = ResyncCoordinator(configuration: ResyncConfiguration(concurrency: 1, maxAttempts: 1), fetcher: fetcher,
                                            keys: try StaticIdentityDirectory(data: Self.account.identities), logger: LiveTest.logger,
                                            now: { Self.account.now })
        coordinator.request(Self.account.did, reason: "test")
        let completion = await coordinator.perform(did: Self.account.did, attempt: 1)
        #expect(Self.failure(completion)?.hasPrefix("fetch-timeout") == true, "\(String(describing: completion))")
        await fetcher.shutdown()
        server.stop()
    }

    @Test func oversizeRepositoryIsRefused() async throws {
        let server = try ScriptedHTTPServer { _, _ in .car(ResyncCoordinatorTests.account.car) }
        let fetcher = HTTPRepoFetcher(relay: server.baseURL, pds: nil,
                                      configuration: RepoFetchConfiguration(maxBytes: 512, allowHTTPLoopback: true), logger: LiveTest.logger)
        let coordinator = ResyncCoordinator(configuration: ResyncConfiguration(concurrency: 1, maxAttempts: 1), fetcher: fetcher,
                                            keys: try StaticIdentityDirectory(data: Self.account.identities), logger: LiveTest.logger,
                                            now: { Self.account.now })
        coordinator.request(Self.account.did, reason: "test")
        let completion = await coordinator.perform(did: Self.account.did, attempt: 1)
        #expect(Self.failure(completion)?.hasPrefix("response-too-large") == true, "\(String(describing: completion))")
        await fetcher.shutdown()
        server.stop()
    }

    @Test func malformedCARIsAnInvalidRepository() async throws {
        var tampered = Self.account.car
        tampered[tampered.count - 5] ^= 0xff  // a record block no longer hashes to its CID
        for (car, reason) in [([UInt8](repeating: 7, count: 100), "malformed-car"), (tampered, "block-cid-mismatch")] {
            let server = try ScriptedHTTPServer { _, _ in .car(car) }
            let (completion, counts) = try await Self.resync(from: server, maxAttempts: 1)
            #expect(Self.failure(completion)?.hasPrefix("invalid-repository: \(reason)") == true, "\(String(describing: completion))")
            #expect(counts.gaveUp == 1)
            server.stop()
        }
    }

    @Test func repositorySignedWithAnotherKeyIsABadSignature() async throws {
        let server = try ScriptedHTTPServer { _, _ in .car(ResyncCoordinatorTests.account.car) }
        let other = try PrivateKey(curve: .k256, scalar: Array(repeating: 0x11, count: 32)).publicKey
        let keys = StaticIdentityDirectory(keys: [Self.account.did: [.init(lookup: .key(other, fresh: false), beforeSeq: nil)]])
        let (completion, _) = try await Self.resync(from: server, keys: keys, maxAttempts: 1)
        #expect(Self.failure(completion)?.hasPrefix("invalid-repository: bad-signature") == true, "\(String(describing: completion))")
        server.stop()
    }
}
