import ATIdentity
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import Synchronization
import Testing

/// A resync whose reason is gone is cancelled: when a later `#sync` brings a desynchronized
/// account back to `synchronized`, its pending resync is dropped, with no further attempts (no retry warnings).
@Suite(.timeLimit(.minutes(1))) struct ResyncCancelTests {
    /// A fetcher that always fails after a short delay and counts its attempts (as `getRepo` to an unknown PDS does).
    final class FailingFetcher: RepoFetcher {
        private let count = Mutex(0)
        var attempts: Int { count.withLock { $0 } }

        func fetchRepository(did: String) async throws -> [UInt8] {
            count.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(30))
            throw IngestError(.invalidRepository, "no repository for \(did) here")
        }
    }

    @Test func aSyncThatResynchronizesTheAccountCancelsItsPendingResync() async throws {
        var frames: [[UInt8]] = []
        var expected: [OutcomeLine] = []
        let configuration = SynthConfiguration(repos: 5, commits: 150, seed: 9, faultRate: 0.05, faultKinds: [.chainBreak])
        var generator = SynthGenerator(configuration: configuration) { event in
            frames.append(event.frame)
            expected.append(event.expected)
        }
        try generator.run()
        let broken = Set(expected.filter { $0.reason == .chainBreak }.compactMap(\.did))
        try #require(!broken.isEmpty)
        // Each chain break is followed by a #sync of the same account (synth's repair), which restores it.
        try #require(expected.contains { $0.type == .sync && broken.contains($0.did ?? "") })

        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        let keys = try StaticIdentityDirectory(data: try generator.identitiesJSON())
        let fetcher = FailingFetcher()
        let now = configuration.startMicros + 86_400_000_000
        let coordinator = ResyncCoordinator(
            configuration: ResyncConfiguration(concurrency: 2, maxAttempts: 5, initialBackoff: .milliseconds(50)),
            fetcher: fetcher, keys: keys, logger: LiveTest.logger, now: { now })
        let lines = Mutex<[OutcomeLine]>([])
        let pipeline = VerificationPipeline(
            configuration: PipelineConfiguration(workers: 2, batchSize: 16, chunkSize: 1, upstream: "test", flushInterval: .milliseconds(20),
                                                 now: { now }),
            store: store, keys: keys, resync: coordinator, onOutcome: { line in lines.withLock { $0.append(line) } })
        let summary = try await pipeline.run(ResyncPipelineTests.DrainingFrames(frames: frames, coordinator: coordinator,
                                                                               range: 0..<frames.count, store: store))
        // Every resync was dropped by its #sync: none given up after retries, at most the attempt in flight ran.
        #expect(summary.resyncs.cancelled == expected.filter { $0.reason == .chainBreak }.count)
        #expect(summary.resyncs.gaveUp == 0)
        #expect(fetcher.attempts <= summary.resyncs.cancelled, "resyncs were retried after the account was synchronized again")
        try await Task.sleep(for: .milliseconds(300))
        #expect(fetcher.attempts <= summary.resyncs.cancelled)
        #expect(coordinator.pendingCount == 0)
        // The outcomes are those of a run without resyncs, and every account ends synchronized.
        let got = lines.withLock { $0 }.sorted { $0.index < $1.index }.map { "\($0.outcome.rawValue)/\($0.reason?.rawValue ?? "-")" }
        #expect(got == expected.map { "\($0.outcome.rawValue)/\($0.reason?.rawValue ?? "-")" })
        let states = try store.accounts(Array(broken))
        for did in broken { #expect(states[did]?.sync == .synchronized, "\(did)") }
    }
}
