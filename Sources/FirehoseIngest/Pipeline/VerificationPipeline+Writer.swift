import ATSyntax
import AsyncAlgorithms
import FirehoseAudit
import FirehoseSync
import Synchronization

/// The pipeline's writer: puts results back in frame order, derives each verdict's outcome line, tallies the
/// audit, and writes batches (one transaction each, with the cursor of the batch's last frame).
extension VerificationPipeline {
    func writeResults(_ results: AsyncChannel<[WorkResult]>, startIndex: Int, window: FrameWindow, ticking: Bool = true) async throws -> PipelineSummary {
        if ticking, let interval = configuration.flushInterval {
            // An idle live stream must still get its last events written: empty chunks every interval let the
            // time-based flush below run without new results.
            return try await VerificationPipeline.withTicks(results, every: interval) { ticked in
                try await self.writeResults(ticked, startIndex: startIndex, window: window, ticking: false)
            }
        }
        var summary = PipelineSummary()
        let storeThread = StoreThread()
        var pending = ReorderRing<WorkResult>(capacity: configuration.window * 2)
        var batch = StoreBatch()
        var batchLines: [OutcomeLine] = []
        var lastIndexInBatch = -1
        var lastFlush = ContinuousClock.now
        var lastEventTime: String?
        var relayHealth = RelayHealthTracker()
        var activity = ActiveTime()
        /// Window places and bytes freed since the last release (handed back once per chunk).
        var released = (count: 0, bytes: 0)

        func flush() async throws {
            lastFlush = .now
            guard !batchLines.isEmpty || !batch.isEmpty else { return }
            batch.audit.relay = relayHealth.take()
            let written = batch
            try await storeThread.perform { [beforeWrite, store] in
                try beforeWrite()
                try store.write(written)
            }
            committed.store(lastIndexInBatch, ordering: .releasing)
            for line in batchLines { onOutcome(line) }
            if let position = batch.cursor?.position { summary.lastCursor = position }
            recordStored(batchLines, cursor: batch.cursor?.position, eventTime: lastEventTime)
            batch = StoreBatch()
            batchLines.removeAll(keepingCapacity: true)
        }

        func add(_ result: WorkResult) {
            if let judgement = result.judgement {
                // The edge: the verdict becomes its outcome line here, for the store, the summary and the outputs.
                let line = judgement.line
                released.count += 1  // one place per frame (resync completions take none)
                released.bytes += result.size
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
            if let position = result.cursorPosition { batch.cursor = (configuration.upstream, position) }
            if let time = result.eventTime { lastEventTime = time }
            lastIndexInBatch = result.ordinal
        }

        for await chunk in results {
            if !chunk.isEmpty { activity.mark() }
            for result in chunk {
                pending.insert(result, at: result.ordinal)
            }
            // Emit the contiguous prefix in order.
            while let result = pending.popNext() {
                add(result)
                if batchLines.count >= configuration.batchSize { try await flush() }
            }
            window.release(released.count, bytes: released.bytes)
            released = (0, 0)
            if let interval = configuration.flushInterval, ContinuousClock.now - lastFlush >= interval { try await flush() }
            metrics.queueDepth(BreakwaterMetricNames.Queue.reorder, pending.count)
            metrics.queueDepth(BreakwaterMetricNames.Queue.batch, batchLines.count)
        }
        // Anything left is a gap in indices (should not happen); write it in order anyway.
        for result in pending.drain() {
            add(result)
        }
        try await flush()
        summary.activeSeconds = activity.seconds
        return summary
    }

    /// Runs `body` over `results` with an empty chunk added every `interval` (the chunks themselves unchanged and
    /// in order); ends when `results` ends.
    static func withTicks(_ results: AsyncChannel<[WorkResult]>, every interval: Duration,
                          _ body: @Sendable (AsyncChannel<[WorkResult]>) async throws -> PipelineSummary) async throws -> PipelineSummary {
        let ticked = AsyncChannel<[WorkResult]>()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await chunk in results { await ticked.send(chunk) }
                ticked.finish()
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                    await ticked.send([])
                }
            }
            defer { group.cancelAll() }
            return try await body(ticked)
        }
    }

    /// Metrics for a stored batch: outcome counts, cursor, upstream lag, queue depths.
    func recordStored(_ lines: [OutcomeLine], cursor: Int64?, eventTime: String?) {
        metrics.stored(lines)
        if let cursor { metrics.cursor(cursor) }
        if let eventTime, let micros = Datetime.lenient(eventTime)?.datetime.microsecondsSinceEpoch {
            metrics.upstreamLag(eventMicros: micros, nowMicros: configuration.now())
        }
        let left = inFlight.subtract(lines.count, ordering: .relaxed).newValue
        metrics.queueDepth(BreakwaterMetricNames.Queue.inFlight, max(0, left))
    }
}
