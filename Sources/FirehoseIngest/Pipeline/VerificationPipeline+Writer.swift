import ATSyntax
import AsyncAlgorithms
import FirehoseAudit
import FirehoseSync
import Synchronization

/// The pipeline's writer: hands the workers' results to the ``BatchWriter`` on its own thread, which puts them back
/// in frame order and writes batches (one transaction each, with the cursor of the batch's last frame).
extension VerificationPipeline {
    func writeResults(_ results: AsyncChannel<[WorkResult]>, startIndex: Int, window: FrameWindow, ticking: Bool = true) async throws -> PipelineSummary {
        if ticking, let interval = configuration.flushInterval {
            // An idle live stream must still get its last events written: empty chunks every interval let the
            // time-based flush run without new results.
            return try await VerificationPipeline.withTicks(results, every: interval) { ticked in
                try await self.writeResults(ticked, startIndex: startIndex, window: window, ticking: false)
            }
        }
        let writer = BatchWriter(pipeline: self, window: window)
        return try await withThrowingTaskGroup(of: PipelineSummary?.self) { group in
            group.addTask {
                for await chunk in results { writer.submit(chunk) }
                return try await writer.finish()
            }
            // A store failure ends the run at once, even while the stream still has frames to give.
            group.addTask {
                try await writer.waitForEnd()
                return nil
            }
            var summary = PipelineSummary()
            for try await partial in group {
                if let partial { summary = partial }
            }
            return summary
        }
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
