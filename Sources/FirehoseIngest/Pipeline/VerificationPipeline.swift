import ATSyntax
import AsyncAlgorithms
public import FirehoseSync
import Synchronization

/// The verification pipeline shared by `replay` and `consume` (ARCHITECTURE.md, "Concurrency"):
/// decode → shard by DID → N workers (in order per DID, DIDs in parallel) → reorder → batched store writes.
///
/// Every hand-off is a rendezvous channel, so a slow store slows the source instead of buffering without bound.
/// Results are written strictly in frame order, and each store transaction carries the cursor of its last
/// frame, so the cursor never runs ahead of the state it describes (CONTRACT.md §5).
public final class VerificationPipeline: Sendable {
    let configuration: PipelineConfiguration
    let store: any StateStore
    let keys: any KeyProvider
    let cache: StateCache
    let machine: AccountMachine
    /// Called once per frame, in frame order, after its batch is durably stored.
    let onOutcome: @Sendable (OutcomeLine) -> Void
    /// Where counts, latencies and queue depths go (``BreakwaterMetricNames``).
    let metrics: IngestMetrics
    /// Frames read and not yet stored.
    private let inFlight = Atomic<Int>(0)
    /// Resyncs of desynchronized accounts (nil: none, as in `replay`).
    let resync: ResyncCoordinator?
    /// Runs before every store transaction; a throw stops the pipeline before the batch is stored (`consume --record`
    /// flushes its recording here, so the database never holds a frame the recording lacks).
    let beforeWrite: @Sendable () throws -> Void

    /// Creates a pipeline. With `resync`, chain breaks schedule a resync whose result is applied in order with the
    /// account's events (``ResyncCoordinator``).
    public init(configuration: PipelineConfiguration, store: any StateStore, keys: any KeyProvider,
                cache: StateCache = StateCache(), resync: ResyncCoordinator? = nil,
                beforeWrite: @escaping @Sendable () throws -> Void = {}, metrics: IngestMetrics = IngestMetrics(),
                onOutcome: @escaping @Sendable (OutcomeLine) -> Void = { _ in }) {
        self.metrics = metrics
        self.configuration = configuration
        self.store = store
        self.keys = keys
        self.cache = cache
        self.machine = AccountMachine(policy: configuration.policy)
        self.resync = resync
        self.onOutcome = onOutcome
        self.beforeWrite = beforeWrite
    }

    struct WorkItem: Sendable {
        var decoded: DecodedEvent
        var index: Int
        var cursorPosition: Int64
        /// Position in the writer's order (frames and resync completions, from 0).
        var ordinal: Int
        /// A resync result to apply instead of a frame.
        var completion: ResyncCompletion? = nil
        /// Where and when the frame arrived (per-host attribution, relay health).
        var receipt: EventReceipt? = nil
    }

    struct WorkResult: Sendable {
        var index: Int
        var cursorPosition: Int64?
        /// Nil for a resync completion (no frame, no outcome line).
        var line: OutcomeLine?
        var newState: AccountState?
        var frame: [UInt8]?
        var processedAt: Int64
        var mirror: MirrorUpdate? = nil
        /// The event's `time` field, for the upstream-lag gauge.
        var eventTime: String? = nil
        var ordinal: Int = 0
        /// Mirror updates of a resync completion (the replacement, then what was re-applied after it).
        var resyncMirrors: [MirrorUpdate] = []
        /// Where and when the frame arrived, with its account's PDS host (filled in by the worker).
        var receipt: EventReceipt? = nil
    }

    /// Runs the pipeline over `frames` until the sequence ends (or the task is cancelled), then flushes.
    /// Frame indices must be consecutive from `startIndex`.
    public func run<Frames: AsyncSequence & Sendable>(_ frames: Frames, startIndex: Int = 0) async throws -> PipelineSummary
    where Frames.Element == IncomingFrame {
        let workerCount = configuration.workers
        let inboxes = (0..<workerCount).map { _ in AsyncChannel<[WorkItem]>() }
        let results = AsyncChannel<[WorkResult]>()
        let window = FrameWindow(size: configuration.window)
        let seqCounts = SeqTracker.Totals()
        let started = ContinuousClock.now
        let summary = try await withThrowingTaskGroup(of: PipelineSummary?.self) { group in
            // Writer: reorders results and writes batches.
            group.addTask { try await self.writeResults(results, startIndex: startIndex, window: window) }
            // Workers.
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { workers in
                    for worker in 0..<workerCount {
                        workers.addTask { try await self.workInLanes(inbox: inboxes[worker], results: results) }
                    }
                    try await workers.waitForAll()
                }
                results.finish()
                return nil
            }
            // Reader: decode and shard (merging in resync completions when resyncs run).
            group.addTask {
                defer { for inbox in inboxes { inbox.finish() } }
                var pending = [[WorkItem]](repeating: [], count: workerCount)
                var seqs = SeqTracker()
                var ordinal = 0
                func dispatch(_ item: WorkItem, worker: Int, now: Bool) async {
                    pending[worker].append(item)
                    if now || pending[worker].count >= self.configuration.chunkSize {
                        await inboxes[worker].send(pending[worker])
                        pending[worker].removeAll(keepingCapacity: true)
                    }
                }
                func handle(_ frame: IncomingFrame) async {
                    if !window.tryAcquire() {
                        // Hand over what is buffered (the writer may be waiting for it), then wait for a place.
                        for worker in 0..<workerCount where !pending[worker].isEmpty {
                            await inboxes[worker].send(pending[worker])
                            pending[worker].removeAll(keepingCapacity: true)
                        }
                        await window.acquire()
                    }
                    let (gaps, regressions) = (seqs.gaps, seqs.regressions)
                    let raw = DecodedEvent.decode(frame.bytes, index: frame.index, policy: self.configuration.policy)
                    let decoded = seqs.check(raw)
                    self.metrics.seqGaps(seqs.gaps - gaps)
                    self.metrics.seqDuplicates(seqs.regressions - regressions)
                    self.inFlight.add(1, ordering: .relaxed)
                    let worker = VerificationPipeline.shard(decoded.did, workers: workerCount)
                    await dispatch(WorkItem(decoded: decoded, index: frame.index, cursorPosition: frame.cursorPosition, ordinal: ordinal,
                                            receipt: self.receipt(of: frame, decoded: raw)),
                                   worker: worker, now: false)
                    ordinal += 1
                }
                if let resync = self.resync {
                    try await self.readMerged(frames, resync: resync) { input in
                        switch input {
                        case .frame(let frame):
                            await handle(frame)
                        case .completion(let completion):
                            let worker = VerificationPipeline.shard(completion.did, workers: workerCount)
                            let placeholder = DecodedEvent.final(OutcomeLine(index: -1, seq: nil, type: .unknown, did: completion.did, rev: nil,
                                                                             outcome: .ignored, reason: nil, detail: nil), frameBytes: [])
                            await dispatch(WorkItem(decoded: placeholder, index: -1, cursorPosition: 0, ordinal: ordinal, completion: completion),
                                           worker: worker, now: true)
                            ordinal += 1
                        }
                    }
                } else {
                    for try await frame in frames {
                        if Task.isCancelled { break }
                        await handle(frame)
                    }
                }
                for worker in 0..<workerCount where !pending[worker].isEmpty {
                    await inboxes[worker].send(pending[worker])
                }
                seqCounts.store(seqs)
                return nil
            }
            var final = PipelineSummary()
            for try await partial in group {
                if let partial { final = partial }
            }
            return final
        }
        var result = summary
        if let resync { result.resyncs = resync.counts }
        (result.seqGaps, result.seqRegressions) = seqCounts.value
        let elapsed = ContinuousClock.now - started
        result.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return result
    }

    /// Stable shard of a DID (FNV-1a), so one account's events always meet the same worker in order.
    static func shard(_ did: String?, workers: Int) -> Int {
        guard workers > 1, let did else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in did.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return Int(hash % UInt64(workers))
    }

    // MARK: - Worker (lanes: VerificationPipeline+Lanes.swift)

    /// Processes one item, attributes it to its account's PDS host, and records the verification latency.
    func processMeasured(_ item: WorkItem) async throws -> WorkResult {
        let started = ContinuousClock.now
        let result = await attributed(try await process(item), item: item)
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        metrics.verified(nanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return result
    }

    func process(_ item: WorkItem) async throws -> WorkResult {
        let now = configuration.now()
        if let completion = item.completion { return try await applyResync(completion, ordinal: item.ordinal, now: now) }
        switch item.decoded {
        case .final(let line, let bytes):
            return WorkResult(index: item.index, cursorPosition: item.cursorPosition, line: line, newState: nil,
                              frame: line.outcome == .rejected ? bytes : nil, processedAt: now, ordinal: item.ordinal)
        case .message(let message, let index, let bytes):
            var state: AccountState? = nil
            if let did = message.did {
                if let cached = cache.lookup(did) {
                    state = cached
                } else if let stored = try store.accounts([did])[did] {
                    cache.putClean(stored)
                    state = stored
                }
            }
            var key: SigningKeyLookup? = nil
            if message.needsSigningKey, let did = message.did {
                key = await keys.signingKey(for: did, seq: message.seq, fresh: false)
            }
            let time = VerificationTime(micros: now)
            var step = machine.process(message, index: index, state: state, key: key, time: time)
            if step.needsFreshKey, let did = message.did {
                key = await keys.signingKey(for: did, seq: message.seq, fresh: true)
                step = machine.process(message, index: index, state: state, key: key, time: time)
            }
            if step.purgeIdentity, let did = message.did { await keys.purge(did) }
            let mirror = message.did.flatMap { did in
                configuration.mirrors[did].flatMap { VerificationPipeline.mirrorUpdate(step, did: did, filter: $0) }
            }
            if let resync, let did = message.did {
                step = resyncHook(resync, step: step, message: message, did: did, state: state, index: index, size: bytes.count, mirror: mirror)
            }
            if let newState = step.newState { cache.putDirty(newState, index: item.ordinal) }
            return WorkResult(index: index, cursorPosition: item.cursorPosition, line: step.line, newState: step.newState,
                              frame: step.line.outcome == .rejected ? bytes : nil, processedAt: now, mirror: mirror,
                              eventTime: message.time, ordinal: item.ordinal)
        }
    }

    /// What a processed event means for a mirrored account: a verified commit's record changes, or a stale mark
    /// when the account lost its chain (a chain break, or a `#sync` that sets a new base the mirror cannot follow
    /// without a resync).
    static func mirrorUpdate(_ step: StepResult, did: String, filter: MirrorFilter) -> MirrorUpdate? {
        if let verified = step.verifiedCommit { return .applying(verified, filter: filter) }
        let line = step.line
        if line.outcome == .desynchronized {
            return .stale(did: did, reason: "\(line.reason?.rawValue ?? "desynchronized") at seq \(line.seq.map(String.init) ?? "-"): \(line.detail ?? "")")
        }
        if line.type == .sync && line.outcome == .verified {
            return .stale(did: did, reason: "#sync at seq \(line.seq.map(String.init) ?? "-") set a new base (rev \(line.rev ?? "-"))",
                          unlessRoot: step.newState?.data, unlessRevAtLeast: line.rev)
        }
        return nil
    }

    // MARK: - Writer

    func writeResults(_ results: AsyncChannel<[WorkResult]>, startIndex: Int, window: FrameWindow, ticking: Bool = true) async throws -> PipelineSummary {
        if ticking, let interval = configuration.flushInterval {
            // An idle live stream must still get its last events written: empty chunks every interval let the
            // time-based flush below run without new results.
            return try await VerificationPipeline.withTicks(results, every: interval) { ticked in
                try await self.writeResults(ticked, startIndex: startIndex, window: window, ticking: false)
            }
        }
        var summary = PipelineSummary()
        var pending: [Int: WorkResult] = [:]
        var nextIndex: Int? = 0  // the ordinal of the next result to write
        var batch = StoreBatch()
        var batchLines: [OutcomeLine] = []
        var lastIndexInBatch = -1
        var lastFlush = ContinuousClock.now
        var lastEventTime: String?
        var relayHealth = RelayHealthTracker()
        var activity = ActiveTime()

        func flush() throws {
            lastFlush = .now
            guard !batchLines.isEmpty || !batch.isEmpty else { return }
            batch.audit.relay = relayHealth.take()
            try beforeWrite()
            try store.write(batch)
            cache.markCommitted(upTo: lastIndexInBatch)
            for line in batchLines { onOutcome(line) }
            if let position = batch.cursor?.position { summary.lastCursor = position }
            recordStored(batchLines, cursor: batch.cursor?.position, eventTime: lastEventTime)
            batch = StoreBatch()
            batchLines.removeAll(keepingCapacity: true)
        }

        func add(_ result: WorkResult) {
            if let line = result.line {
                window.release()  // one place per frame (resync completions take none)
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
                pending[result.ordinal] = result
            }
            // Emit the contiguous prefix in order.
            while let ordinal = nextIndex, let result = pending.removeValue(forKey: ordinal) {
                add(result)
                nextIndex = ordinal + 1
                if batchLines.count >= configuration.batchSize { try flush() }
            }
            if let interval = configuration.flushInterval, ContinuousClock.now - lastFlush >= interval { try flush() }
            metrics.queueDepth(BreakwaterMetricNames.Queue.reorder, pending.count)
            metrics.queueDepth(BreakwaterMetricNames.Queue.batch, batchLines.count)
        }
        // Anything left is a gap in indices (should not happen); write it in order anyway.
        for ordinal in pending.keys.sorted() {
            add(pending[ordinal]!)
        }
        try flush()
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
    private func recordStored(_ lines: [OutcomeLine], cursor: Int64?, eventTime: String?) {
        metrics.stored(lines)
        if let cursor { metrics.cursor(cursor) }
        if let eventTime, let micros = Datetime.lenient(eventTime)?.datetime.microsecondsSinceEpoch {
            metrics.upstreamLag(eventMicros: micros, nowMicros: configuration.now())
        }
        let left = inFlight.subtract(lines.count, ordering: .relaxed).newValue
        metrics.queueDepth(BreakwaterMetricNames.Queue.inFlight, max(0, left))
    }
}
