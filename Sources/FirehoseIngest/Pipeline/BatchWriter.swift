import Dispatch
import FirehoseAudit
import FirehoseSync
import Synchronization

/// The pipeline's batch writer, on a thread of its own: a serial queue outside Swift's cooperative pool takes the
/// workers' results as they come, puts them back in frame order, derives each verdict's outcome line, tallies the
/// audit and writes batches (one transaction each, with the cursor of the batch's last frame).
///
/// The workers hand results over without waiting for it: while a batch is being written (SQLite, a WAL checkpoint,
/// the recording's flush) they go on verifying, and the results they hand over meanwhile wait in the queue. What
/// the queue can hold is bounded by the pipeline's window, whose places are released here once results are taken.
/// The cursor advances only with the durable batch. Every stored property but ``ending`` is touched on the queue
/// only, which is what makes the class sendable.
final class BatchWriter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "breakwater.pipeline.writer", qos: .userInitiated)
    private let pipeline: VerificationPipeline
    private let window: FrameWindow
    private var summary = PipelineSummary()
    private var pending: ReorderRing<VerificationPipeline.WorkResult>
    private var batch = StoreBatch()
    private var batchLines: [OutcomeLine] = []
    private var lastIndexInBatch = -1
    private var lastFlush = ContinuousClock.now
    private var lastEventTime: String?
    private var relayHealth = RelayHealthTracker()
    private var activity = ActiveTime()
    /// The first store failure; once set, results are dropped and the run ends with it.
    private var storeFailure: (any Error)?
    /// How the writer ended (nil while it runs), and who waits to hear it.
    private let ending = Mutex<(result: Result<Void, any Error>?, waiter: CheckedContinuation<Void, any Error>?)>((nil, nil))

    /// A writer for `pipeline`'s run, releasing `window`'s places as results are taken.
    init(pipeline: VerificationPipeline, window: FrameWindow) {
        self.pipeline = pipeline
        self.window = window
        pending = ReorderRing(capacity: pipeline.configuration.window * 2)
    }

    /// Hands the writer a chunk of results in any order (an empty chunk lets a due time-based flush run); returns at
    /// once.
    func submit(_ chunk: [VerificationPipeline.WorkResult]) {
        queue.async { self.take(chunk) }
    }

    /// Writes what is left once every result has been submitted, and returns the run's totals (or the first store
    /// failure).
    func finish() async throws -> PipelineSummary {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PipelineSummary, any Error>) in
            queue.async {
                if self.storeFailure == nil {
                    // Anything left is a gap in indices (should not happen); write it in order anyway.
                    for result in self.pending.drain() { self.add(result) }
                    do { try self.flush() } catch { self.storeFailure = error }
                }
                self.summary.activeSeconds = self.activity.seconds
                let result: Result<PipelineSummary, any Error> = self.storeFailure.map { .failure($0) } ?? .success(self.summary)
                self.end(result.map { _ in })
                continuation.resume(with: result)
            }
        }
    }

    /// Returns once the writer has finished, or throws its store failure as soon as it happens (so the run stops
    /// without waiting for the rest of the stream).
    func waitForEnd() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let ended = ending.withLock { state -> Result<Void, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ended { continuation.resume(with: ended) }
        }
    }

    private func end(_ result: Result<Void, any Error>) {
        let waiter = ending.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    /// Takes a chunk on the queue: the contiguous prefix of results in order into the batch, a batch written when it
    /// is full or its time is up, the window's places released.
    private func take(_ chunk: [VerificationPipeline.WorkResult]) {
        guard storeFailure == nil else { return }
        do {
            if !chunk.isEmpty { activity.mark() }
            for result in chunk { pending.insert(result, at: result.ordinal) }
            var released = (count: 0, bytes: 0)
            while let result = pending.popNext() {
                if result.judgement != nil {
                    released.count += 1  // one place per frame (resync completions take none)
                    released.bytes += result.size
                }
                add(result)
                if batchLines.count >= pipeline.configuration.batchSize { try flush() }
            }
            window.release(released.count, bytes: released.bytes)
            if let interval = pipeline.configuration.flushInterval, ContinuousClock.now - lastFlush >= interval { try flush() }
            pipeline.metrics.queueDepth(BreakwaterMetricNames.Queue.reorder, pending.count)
            pipeline.metrics.queueDepth(BreakwaterMetricNames.Queue.batch, batchLines.count)
        } catch {
            storeFailure = error
            end(.failure(error))
        }
    }

    /// Adds one result, in frame order, to the batch: the verdict becomes its outcome line here, for the store, the
    /// summary and the outputs.
    private func add(_ result: VerificationPipeline.WorkResult) {
        if let judgement = result.judgement {
            let line = judgement.line
            summary.count(line)
            VerificationPipeline.tally(result, line: line, into: &batch.audit, relay: &relayHealth)
            batch.outcomes.append(RecordedOutcome(line: line, frame: result.frame, processedAt: result.processedAt))
            batchLines.append(line)
        }
        if let state = result.newState {
            let before = batch.accounts[state.did]?.sync
            batch.accounts[state.did] = state
            VerificationPipeline.tallyResync(result, state: state, before: before, into: &batch.audit)
        }
        if let mirror = result.mirror { batch.mirrorUpdates.append(mirror) }
        batch.mirrorUpdates.append(contentsOf: result.resyncMirrors)
        if let position = result.cursorPosition { batch.cursor = (pipeline.configuration.upstream, position) }
        if let time = result.eventTime { lastEventTime = time }
        lastIndexInBatch = result.ordinal
    }

    /// Writes the batch in one transaction, then advances the committed ordinal and reports its outcome lines.
    private func flush() throws {
        lastFlush = .now
        guard !batchLines.isEmpty || !batch.isEmpty else { return }
        batch.audit.relay = relayHealth.take()
        try pipeline.beforeWrite(batch.cursor?.position)
        try pipeline.store.write(batch)
        pipeline.committed.store(lastIndexInBatch, ordering: .releasing)
        for line in batchLines { pipeline.onOutcome(line) }
        if let position = batch.cursor?.position { summary.lastCursor = position }
        pipeline.recordStored(batchLines, cursor: batch.cursor?.position, eventTime: lastEventTime)
        batch = StoreBatch()
        batchLines.removeAll(keepingCapacity: true)
    }
}
