import BreakwaterNet
import BreakwaterService
import FirehoseIngest
import FirehoseRelay
import FirehoseSync
import FirehoseTesting
import Foundation
import Synchronization
import Testing

/// The live path's batching rules over real sockets on 127.0.0.1: the subscription hands over the frames of a socket
/// read as one batch within its frame and byte bounds, in stream order; a quiet stream gets its partial batch at once;
/// the live ingest stops exactly at its event limit inside a batch; `serve` sends in batches without changing the
/// stream or its pacing.
@Suite("FrameBatching", .timeLimit(.minutes(1)))
struct FrameBatchingTests {
    let recording = SynthRecording.clean

    /// Frame and byte bounds of a batch.
    struct Bounds: Sendable, CustomTestStringConvertible {
        let frames: Int
        let bytes: Int
        var testDescription: String { "\(frames) frames, \(bytes) bytes" }
    }

    static let bounds = [Bounds(frames: 1, bytes: 1 << 20), Bounds(frames: 16, bytes: 64 * 1024),
                         Bounds(frames: 256, bytes: 1 << 20), Bounds(frames: 256, bytes: 4096)]

    /// Subscribes from cursor 0 with `bounds`, collecting every batch until all of the recording's frames arrived.
    func batches(_ bounds: Bounds, server: RelayServer) async throws -> (batches: [[IncomingFrame]], result: SubscriptionResult) {
        var configuration = SubscriptionConfiguration(relay: try RelayURL(server.url), backoff: Backoff(base: .milliseconds(50)))
        configuration.batchFrames = bounds.frames
        configuration.batchBytes = bounds.bytes
        let subscription = FirehoseSubscription(configuration: configuration, logger: LiveTest.logger)
        let total = recording.frames.count
        let collected = Locked<[[IncomingFrame]]>([])
        let result = try await subscription.runBatches(cursor: 0, startIndex: 0) { frames in
            let count = collected.withLock { $0.append(frames); return $0.reduce(0) { $0 + $1.count } }
            return FrameBatchReply(taken: frames.count, keepGoing: count < total)
        }
        return (collected.withLock { $0 }, result)
    }

    @Test("a batch holds the frames of one read within its bounds, in stream order", arguments: bounds)
    func batchesStayWithinTheirBoundsInStreamOrder(_ bounds: Bounds) async throws {
        let (batches, result) = try await LiveTest.withServer(RelayServerConfiguration(recording: recording.location)) { server in
            try await self.batches(bounds, server: server)
        }
        let frames = batches.flatMap { $0 }
        print("FrameBatching: \(frames.count) frames in \(batches.count) batches (bounds \(bounds.testDescription))")
        #expect(result.end == .stopped)
        #expect(result.frames == recording.frames.count)
        #expect(frames.map(\.index) == Array(0..<frames.count))
        #expect(frames.map(\.bytes) == recording.frames)
        for batch in batches {
            #expect(!batch.isEmpty)
            #expect(batch.count <= bounds.frames)
            let bytes = batch.reduce(0) { $0 + $1.bytes.count }
            #expect(batch.count == 1 || bytes <= bounds.bytes, "a batch of \(batch.count) frames holds \(bytes) bytes")
        }
        if bounds.frames > 1 && bounds.bytes >= 64 * 1024 {
            #expect(batches.count < frames.count / 2, "frames were not gathered: \(batches.count) batches for \(frames.count) frames")
        }
    }

    @Test("a quiet stream gets its partial batch at once, not when more frames arrive")
    func aQuietStreamGetsItsPartialBatchAtOnce() async throws {
        var configuration = RelayServerConfiguration(recording: recording.location)
        configuration.stallAfter = 5  // then silent: no frame, no ping
        let (frames, elapsed) = try await LiveTest.withServer(configuration) { server in
            let subscription = FirehoseSubscription(
                configuration: SubscriptionConfiguration(relay: try RelayURL(server.url), readTimeout: .seconds(30)), logger: LiveTest.logger)
            let started = ContinuousClock.now
            let collected = Locked<[IncomingFrame]>([])
            _ = try await subscription.runBatches(cursor: 0, startIndex: 0) { batch in
                let count = collected.withLock { $0.append(contentsOf: batch); return $0.count }
                return FrameBatchReply(taken: batch.count, keepGoing: count < 5)
            }
            return (collected.withLock { $0 }, ContinuousClock.now - started)
        }
        #expect(frames.map(\.bytes) == Array(recording.frames.prefix(5)))
        #expect(elapsed < .seconds(5), "the 5 frames of a quiet stream took \(elapsed)")
    }

    @Test("the live ingest takes exactly its event limit, stopping inside a batch", arguments: [1, 37, 255])
    func theEventLimitStopsInsideABatch(_ limit: Int) async throws {
        let seen = Locked<[Int]>([])
        let result = try await LiveTest.withServer(RelayServerConfiguration(recording: recording.location)) { server in
            let subscription = FirehoseSubscription(
                configuration: SubscriptionConfiguration(relay: try RelayURL(server.url)), logger: LiveTest.logger)
            let ingest = LiveIngest(subscription: subscription, pipeline: nil, maxEvents: limit,
                                    onFrame: { frame in seen.withLock { $0.append(frame.index) } }, logger: LiveTest.logger)
            return try await ingest.run(cursor: 0)
        }
        #expect(seen.withLock { $0 } == Array(0..<limit))
        #expect(result.subscription?.frames == limit)
        #expect(result.subscription?.end == .stopped)
    }

    @Test("serve sends the same stream whatever its write batch", arguments: [1, 7, 256])
    func serveWriteBatchesKeepTheStream(_ writeBatch: Int) async throws {
        var configuration = RelayServerConfiguration(recording: recording.location)
        configuration.writeBatchFrames = writeBatch
        let frames = recording.frames
        let received = try await LiveTest.withServer(configuration) { server in
            try await LiveTest.collect(server, cursor: 0, limit: frames.count)
        }
        #expect(received.frames == frames)
    }

    @Test("serve's pacing (--rate) still spaces the frames")
    func servePacingIsUnchanged() async throws {
        var configuration = RelayServerConfiguration(recording: recording.location)
        configuration.eventsPerSecond = 200
        let count = 41  // the 41st frame is due 200 ms after the first
        let (received, elapsed) = try await LiveTest.withServer(configuration) { server in
            let started = ContinuousClock.now
            let received = try await LiveTest.collect(server, cursor: 0, limit: count)
            return (received, ContinuousClock.now - started)
        }
        #expect(received.frames == Array(recording.frames.prefix(count)))
        #expect(elapsed >= .milliseconds(195), "\(count) frames at 200/s arrived in \(elapsed)")
    }
}
