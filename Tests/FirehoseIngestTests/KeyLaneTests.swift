import ATIdentity
import ATCrypto
@testable import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Synchronization
import Testing

/// Identity off the hot path: an account waiting for its signing key does not hold up the other
/// accounts on its worker, the frames in flight stay within the pipeline's window, and the outcomes do not change.
@Suite("Key lanes", .timeLimit(.minutes(3)))
struct KeyLaneTests {
    /// Keys from an identities file, except that `blocked` waits until the gate opens; every request is logged.
    final class GatedKeys: IdentityDirectory {
        let inner: StaticIdentityDirectory
        let blocked: String
        let requests = Locked<[String]>([])
        private let gate = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        init(inner: StaticIdentityDirectory, blocked: String) {
            self.inner = inner
            self.blocked = blocked
        }

        func open() {
            let waiters = gate.withLock { g -> [CheckedContinuation<Void, Never>] in
                g.open = true
                defer { g.waiters = [] }
                return g.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        func signingKey(for did: String, seq: Int64?, fresh: Bool) async -> SigningKeyLookup {
            requests.withLock { $0.append(did) }
            if did == blocked {
                await withCheckedContinuation { continuation in
                    let resume = gate.withLock { g -> Bool in
                        if g.open { return true }
                        g.waiters.append(continuation)
                        return false
                    }
                    if resume { continuation.resume() }
                }
            }
            return await inner.signingKey(for: did, seq: seq, fresh: fresh)
        }

        func purge(_ did: String) async {}
        func pdsEndpoint(for did: String) async -> String? { nil }
        func pdsHost(for did: String) async -> String? { nil }
    }

    /// Frames handed to the pipeline one at a time, counting how many it pulled.
    struct CountingFrames: AsyncSequence, Sendable {
        typealias Element = IncomingFrame
        let frames: [[UInt8]]
        let pulled: Locked<Int>

        struct Iterator: AsyncIteratorProtocol {
            let frames: [[UInt8]]
            let pulled: Locked<Int>
            mutating func next() async -> IncomingFrame? {
                let index = pulled.withLock { count -> Int in
                    defer { if count < frames.count { count += 1 } }
                    return count
                }
                guard index < frames.count else { return nil }
                return IncomingFrame(index: index, bytes: frames[index], cursorPosition: Int64(index))
            }
        }

        func makeAsyncIterator() -> Iterator { Iterator(frames: frames, pulled: pulled) }
    }

    @Test func anAccountWaitingForItsKeyDoesNotBlockOthersAndTheWindowBoundsTheFramesInFlight() async throws {
        let recording = SynthRecording.clean
        let expected = try ExpectedOutcomes.load(recording.location.expected)
        let peeks = recording.frames.map(FramePeek.init)
        // The first account to need a key: its first #commit (or #sync).
        let blockedIndex = try #require(peeks.firstIndex { $0.type == "#commit" || $0.type == "#sync" })
        let blocked = try #require(peeks[blockedIndex].did)
        let keys = GatedKeys(inner: try StaticIdentityDirectory(path: recording.location.identities.path), blocked: blocked)
        let window = 64
        let database = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(database) }
        let lines = OutcomeCollector()
        let pipeline = VerificationPipeline(
            configuration: PipelineConfiguration(workers: 1, batchSize: 1, chunkSize: 4, upstream: "test", window: window, now: LiveTest.now),
            store: try SQLiteStateStore(path: database), keys: keys, onOutcome: { lines.append($0) })
        let pulled = Locked(0)
        let frames = CountingFrames(frames: recording.frames, pulled: pulled)

        let summary = try await withThrowingTaskGroup(of: PipelineSummary?.self) { group in
            group.addTask { try await pipeline.run(frames) }
            group.addTask {
                // With a single worker, other accounts' keys are asked for only if the blocked one does not hold them up.
                var others: Set<String> = []
                while others.count < 3 {
                    try await Task.sleep(for: .milliseconds(20))
                    others = Set(keys.requests.withLock { $0 }.filter { $0 != blocked })
                        .subtracting(peeks.prefix(blockedIndex).compactMap(\.did))
                }
                // The reader stops once the window is full: wait until it stops pulling.
                var previous = -1
                while previous != pulled.withLock({ $0 }) {
                    previous = pulled.withLock { $0 }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(previous <= blockedIndex + window + 1, "pulled \(previous) frames with frame \(blockedIndex) unfinished")
                #expect(lines.all.count == blockedIndex, "outcomes are written in order: none after the waiting frame")
                keys.open()
                return nil
            }
            var summary: PipelineSummary?
            for try await partial in group { if let partial { summary = partial } }
            return summary
        }
        #expect(summary?.events == recording.frames.count)
        #expect(lines.all.map(LiveTest.key) == expected.map(LiveTest.key))
        #expect(lines.all.map(\.index) == Array(0..<recording.frames.count))
    }

    @Test func laneOutcomesMatchTheExpectedOutcomesWithManyWorkersAndASmallWindow() async throws {
        let recording = SynthRecording.faulty
        let expected = try ExpectedOutcomes.load(recording.location.expected)
        let database = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(database) }
        let lines = OutcomeCollector()
        let pipeline = VerificationPipeline(
            configuration: PipelineConfiguration(workers: 3, chunkSize: 8, upstream: "test", window: 5, now: LiveTest.now),
            store: try SQLiteStateStore(path: database), keys: try StaticIdentityDirectory(path: recording.location.identities.path),
            onOutcome: { lines.append($0) })
        let frames = CountingFrames(frames: recording.frames, pulled: Locked(0))
        _ = try await pipeline.run(frames)
        #expect(lines.all.map(LiveTest.key) == expected.map(LiveTest.key))
    }
}
