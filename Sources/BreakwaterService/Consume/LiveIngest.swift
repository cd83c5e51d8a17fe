import AsyncAlgorithms
public import FirehoseIngest
public import FirehoseSync
public import Logging
import ServiceLifecycle
import Synchronization

/// The live service's main loop (`breakwater consume`, `breakwater record`): a ``FrameSubscription``
/// feeding the ``VerificationPipeline`` (and/or a ``RecordingWriter``) through a rendezvous channel of frame batches
/// (those of one socket read, one hand-off each), so a slow pipeline slows the socket instead of buffering.
///
/// It stops on an event limit, a duration, task cancellation or a graceful shutdown (SIGINT/SIGTERM under a
/// `ServiceGroup`): reading stops first, then the pipeline drains and flushes, so the stored cursor covers
/// every event that was handed over.
public struct LiveIngest: Sendable {
    /// The upstream.
    public var subscription: any FrameSubscription
    /// The verifier (nil for `record`, which only writes frames).
    public var pipeline: VerificationPipeline?
    /// Where frames are also written as they arrive.
    public var recorder: RecordingWriter?
    /// Stop after this many frames.
    public var maxEvents: Int?
    /// Called with each frame as it arrives, before it is handed to the pipeline (e.g. ``RelayCrossCheck/observeFirst(_:)``).
    public var onFrame: (@Sendable (IncomingFrame) -> Void)?
    /// Decides which frames reach the pipeline (e.g. one partition's); the others are still recorded and counted
    /// toward `maxEvents`. nil: every frame.
    public var admits: (@Sendable (IncomingFrame) -> Bool)?
    /// Stop after this long.
    public var duration: Duration?
    let logger: Logger

    /// The outcome of a run.
    public struct Result: Sendable {
        /// Pipeline totals (empty without a pipeline).
        public var summary: PipelineSummary
        /// How the subscription ended; nil when it failed.
        public var subscription: SubscriptionResult?
        /// The fatal subscription error, when there was one (the pipeline was drained first).
        public var failure: (any CodedError)?
    }

    /// Creates a live ingest.
    public init(subscription: any FrameSubscription, pipeline: VerificationPipeline?, recorder: RecordingWriter? = nil,
                maxEvents: Int? = nil, duration: Duration? = nil, onFrame: (@Sendable (IncomingFrame) -> Void)? = nil,
                admits: (@Sendable (IncomingFrame) -> Bool)? = nil, logger: Logger) {
        self.onFrame = onFrame
        self.admits = admits
        self.subscription = subscription
        self.pipeline = pipeline
        self.recorder = recorder
        self.maxEvents = maxEvents
        self.duration = duration
        self.logger = logger
    }

    enum Part: Sendable {
        case received(SubscriptionResult)
        case failed(any CodedError)
        case verified(PipelineSummary)
        case identitiesResolved
    }

    /// Runs from `cursor` (nil: the upstream's "now").
    public func run(cursor: Int64?) async throws -> Result {
        let channel = AsyncChannel<[IncomingFrame]>()
        return try await withThrowingTaskGroup(of: Part.self) { group in
            let identities = recorder?.identities
            if let identities {
                // Look-ups run beside the stream and finish the queued ones once reading stopped.
                group.addTask {
                    await identities.run()
                    return .identitiesResolved
                }
            }
            group.addTask {
                defer {
                    channel.finish()
                    identities?.close()
                }
                do {
                    let received = try await cancelWhenGracefulShutdown {
                        try await self.receive(cursor: cursor, into: channel)
                    }
                    return .received(received)
                } catch let error as any CodedError {
                    return .failed(error)
                } catch is CancellationError {
                    return .received(SubscriptionResult(end: .cancelled, frames: 0, lastSeq: nil, connections: 0))
                }
            }
            group.addTask {
                if let pipeline = self.pipeline {
                    return .verified(try await pipeline.run(batches: channel))
                }
                for await _ in channel {}
                return .verified(PipelineSummary())
            }
            var result = Result(summary: PipelineSummary(), subscription: nil, failure: nil)
            for try await part in group {
                switch part {
                case .received(let received): result.subscription = received
                case .failed(let error): result.failure = error
                case .verified(let summary): result.summary = summary
                case .identitiesResolved: break
                }
            }
            try recorder?.flush()
            return result
        }
    }

    private func receive(cursor: Int64?, into channel: AsyncChannel<[IncomingFrame]>) async throws -> SubscriptionResult {
        let limit = maxEvents
        let counter = FrameCounter()
        let recorder = self.recorder
        let logger = self.logger
        let onFrame = self.onFrame
        let admits = self.admits
        let recordingFailure = Mutex<IngestError?>(nil)
        let work: @Sendable () async throws -> SubscriptionResult = {
            let result = try await self.subscription.runBatches(cursor: cursor, startIndex: 0) { frames in
                var admitted: [IncomingFrame] = []
                admitted.reserveCapacity(frames.count)
                var reply = FrameBatchReply(taken: 0, keepGoing: true)
                for frame in frames {
                    if let recorder {
                        do {
                            try recorder.append(frame.bytes, peek: frame.peek)
                        } catch {
                            // The recording cannot go on (a full disk): stop here, so that it ends with its last whole
                            // frame and has no gap, and so that this frame is not verified without being recorded.
                            logger.error("recording failed: \(error)")
                            recordingFailure.withLock { $0 = $0 ?? (error as? IngestError ?? IngestError(.cannotWrite, "\(error)")) }
                            reply.keepGoing = false
                            break
                        }
                    }
                    onFrame?(frame)
                    if admits?(frame) ?? true { admitted.append(frame) }
                    reply.taken += 1
                    let count = counter.increment()
                    if let limit, count >= limit {
                        reply.keepGoing = false
                        break
                    }
                }
                if !admitted.isEmpty { await channel.send(admitted) }
                return reply
            }
            if let failure = recordingFailure.withLock({ $0 }) { throw failure }
            return result
        }
        guard let duration else { return try await work() }
        return try await withThrowingTaskGroup(of: SubscriptionResult?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try? await Task.sleep(for: duration)
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let next { return next }
                group.cancelAll()  // the duration elapsed: stop the subscription, then report what it did
            }
            return SubscriptionResult(end: .cancelled, frames: counter.value, lastSeq: nil, connections: 0)
        }
    }
}

/// A shared frame count (an `Atomic` cannot be captured by an escaping closure).
final class FrameCounter: Sendable {
    private let count = Atomic<Int>(0)
    /// Adds one and returns the new count.
    func increment() -> Int { count.add(1, ordering: .relaxed).newValue }
    /// The count.
    var value: Int { count.load(ordering: .relaxed) }
}
