import BreakwaterNet
import BreakwaterService
import FirehoseIngest
import FirehoseRelay
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Synchronization
import Testing

/// The live path end to end on 127.0.0.1: serve → subscription → pipeline → SQLite, and serve → record → replay.
@Suite("Live ingest", .timeLimit(.minutes(2)))
struct LiveIngestTests {
    let recording = SynthRecording.faulty

    @Test func consumingASynthRecordingLiveGivesItsExpectedOutcomesAndTheReplayState() async throws {
        let expected = try ExpectedOutcomes.load(recording.location.expected)
        let liveDatabase = TemporaryDatabase().path
        let replayDatabase = TemporaryDatabase().path
        defer {
            TemporaryDatabase.remove(liveDatabase)
            TemporaryDatabase.remove(replayDatabase)
        }
        let lines = OutcomeCollector()
        let recording = self.recording
        let result = try await LiveTest.withServer(RelayServerConfiguration(recording: recording.location)) { server in
            let relay = try RelayURL(server.url)
            let ingest = LiveIngest(
                subscription: FirehoseSubscription(configuration: SubscriptionConfiguration(relay: relay), logger: LiveTest.logger),
                pipeline: try LiveTest.pipeline(recording, upstream: relay.description, database: liveDatabase, lines: lines),
                maxEvents: recording.frames.count, logger: LiveTest.logger)
            return try await ingest.run(cursor: nil)
        }
        #expect(result.failure == nil)
        #expect(result.subscription?.end == .stopped)
        let live = lines.all
        #expect(live.count == expected.count)
        #expect(live.map(LiveTest.key) == expected.map(LiveTest.key))
        #expect(live.map(\.index) == Array(0..<live.count))
        // The stored cursor is the last seq.
        let relayStore = try SQLiteStateStore(path: liveDatabase)
        #expect(try relayStore.status.summary(recentViolations: 0).cursors.values.first == recording.seqs.compactMap { $0 }.max())

        _ = try await ReplayHarness.replay(folder: recording.folder, policy: .strict, workers: 2, database: replayDatabase)
        let dids = try recording.dids()
        let liveStates = try LiveTest.states(database: liveDatabase, dids: dids)
        let replayStates = try LiveTest.states(database: replayDatabase, dids: dids)
        #expect(!liveStates.isEmpty)
        #expect(liveStates == replayStates)
    }

    /// The live ingest needs no socket: any `AsyncSequence` of frames (``FrameSequence``) gives the same outcomes.
    @Test func anyAsyncSequenceOfFramesFeedsTheLiveIngest() async throws {
        let expected = try ExpectedOutcomes.load(recording.location.expected)
        let database = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(database) }
        let lines = OutcomeCollector()
        let (stream, continuation) = AsyncStream.makeStream(of: IncomingFrame.self)
        for (index, (bytes, seq)) in zip(recording.frames, recording.seqs).enumerated() {
            continuation.yield(IncomingFrame(index: index, bytes: bytes, cursorPosition: seq ?? -1, connection: 1))
        }
        continuation.finish()
        let ingest = LiveIngest(
            subscription: FrameSequence(stream, upstream: "memory"),
            pipeline: try LiveTest.pipeline(recording, upstream: "memory", database: database, lines: lines), logger: LiveTest.logger)
        let result = try await ingest.run(cursor: nil)
        #expect(result.failure == nil)
        #expect(result.subscription?.end == .finished)
        #expect(result.subscription?.frames == recording.frames.count)
        #expect(lines.all.map(LiveTest.key) == expected.map(LiveTest.key))
    }

    @Test func recordingFromServeThenReplayingGivesTheSameOutcomesAsTheSource() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bw-record-\(UUID().uuidString)")
        let recording = self.recording
        let writer = try RecordingWriter(folder: out.path)
        let result = try await LiveTest.withServer(RelayServerConfiguration(recording: recording.location)) { server in
            let ingest = LiveIngest(
                subscription: FirehoseSubscription(configuration: SubscriptionConfiguration(relay: try RelayURL(server.url)), logger: LiveTest.logger),
                pipeline: nil, recorder: writer, maxEvents: recording.frames.count, logger: LiveTest.logger)
            return try await ingest.run(cursor: nil)
        }
        #expect(result.failure == nil)
        let missing = try await writer.finish(identities: try IdentitiesFileSource(path: recording.location.identities.path))
        // Only DIDs the source has no identity for (identity-unavailable faults) are left without an entry.
        let known = Set(try recording.dids())
        #expect(Set(missing).isDisjoint(with: known))
        #expect(try Set(SynthRecording(folder: out, frames: []).dids()) == known)
        let recorded = try Data(contentsOf: out.appendingPathComponent("frames.bin"))
        let source = try Data(contentsOf: recording.location.frames)
        #expect(recorded == source)

        let fromRecord = try await ReplayHarness.replay(folder: out, policy: .strict, workers: 2)
        let fromSource = try await ReplayHarness.replay(folder: recording.folder, policy: .strict, workers: 2)
        #expect(fromRecord.count == fromSource.count)
        #expect(fromRecord.map(LiveTest.key) == fromSource.map(LiveTest.key))
    }

    @Test func futureCursorBeforeAnyFrameIsAnOperationalError() async throws {
        let last = try #require(recording.seqs.compactMap { $0 }.max())
        let recording = self.recording
        await #expect(throws: NetError(.futureCursor, "")) {
            try await LiveTest.withServer(RelayServerConfiguration(recording: recording.location)) { server in
                let subscription = FirehoseSubscription(configuration: SubscriptionConfiguration(relay: try RelayURL(server.url)), logger: LiveTest.logger)
                return try await subscription.run(cursor: last + 5) { _ in true }
            }
        }
    }

    @Test func anUnreachableRelayGivesUpAfterTheRetryLimit() async throws {
        // Bind and close a server to find a port nobody listens on.
        let port = try await LiveTest.withServer(RelayServerConfiguration(recording: recording.location)) { $0.port }
        let subscription = FirehoseSubscription(
            configuration: SubscriptionConfiguration(relay: try RelayURL("ws://127.0.0.1:\(port)"),
                                                     backoff: Backoff(base: .milliseconds(10)), maxConsecutiveFailures: 3),
            logger: LiveTest.logger)
        await #expect(throws: NetError(.upstreamUnreachable, "")) {
            try await subscription.run(cursor: nil) { _ in true }
        }
    }
}
