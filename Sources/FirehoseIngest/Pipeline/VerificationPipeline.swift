import AsyncAlgorithms
public import FirehoseSync

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

    /// Creates a pipeline.
    public init(configuration: PipelineConfiguration, store: any StateStore, keys: any KeyProvider,
                cache: StateCache = StateCache(), onOutcome: @escaping @Sendable (OutcomeLine) -> Void = { _ in }) {
        self.configuration = configuration
        self.store = store
        self.keys = keys
        self.cache = cache
        self.machine = AccountMachine(policy: configuration.policy)
        self.onOutcome = onOutcome
    }

    struct WorkItem: Sendable {
        var decoded: DecodedEvent
        var index: Int
        var cursorPosition: Int64
    }

    struct WorkResult: Sendable {
        var index: Int
        var cursorPosition: Int64
        var line: OutcomeLine
        var newState: AccountState?
        var frame: [UInt8]?
        var processedAt: Int64
        var mirror: MirrorUpdate? = nil
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
            // Reader: decode and shard.
            group.addTask {
                defer { for inbox in inboxes { inbox.finish() } }
                var pending = [[WorkItem]](repeating: [], count: workerCount)
                var seqs = SeqTracker()
                for try await frame in frames {
                    if Task.isCancelled { break }
                    if !window.tryAcquire() {
                        // Hand over what is buffered (the writer may be waiting for it), then wait for a place.
                        for worker in 0..<workerCount where !pending[worker].isEmpty {
                            await inboxes[worker].send(pending[worker])
                            pending[worker].removeAll(keepingCapacity: true)
                        }
                        await window.acquire()
                    }
                    let decoded = seqs.check(DecodedEvent.decode(frame.bytes, index: frame.index, policy: self.configuration.policy))
                    let worker = VerificationPipeline.shard(decoded.did, workers: workerCount)
                    pending[worker].append(WorkItem(decoded: decoded, index: frame.index, cursorPosition: frame.cursorPosition))
                    if pending[worker].count >= self.configuration.chunkSize {
                        await inboxes[worker].send(pending[worker])
                        pending[worker].removeAll(keepingCapacity: true)
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

    func process(_ item: WorkItem) async throws -> WorkResult {
        let now = configuration.now()
        switch item.decoded {
        case .final(let line, let bytes):
            return WorkResult(index: item.index, cursorPosition: item.cursorPosition, line: line, newState: nil,
                              frame: line.outcome == .rejected ? bytes : nil, processedAt: now)
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
            if let newState = step.newState { cache.putDirty(newState, index: index) }
            let mirror = message.did.flatMap { did in
                configuration.mirrors[did].flatMap { VerificationPipeline.mirrorUpdate(step, did: did, filter: $0) }
            }
            return WorkResult(index: index, cursorPosition: item.cursorPosition, line: step.line, newState: step.newState,
                              frame: step.line.outcome == .rejected ? bytes : nil, processedAt: now, mirror: mirror)
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
                          unlessRoot: step.newState?.data)
        }
        return nil
    }

    // MARK: - Writer

    func writeResults(_ results: AsyncChannel<[WorkResult]>, startIndex: Int, window: FrameWindow) async throws -> PipelineSummary {
        var summary = PipelineSummary()
        var pending: [Int: WorkResult] = [:]
        var nextIndex: Int? = startIndex
        var batch = StoreBatch()
        var batchLines: [OutcomeLine] = []
        var lastIndexInBatch = -1
        var lastFlush = ContinuousClock.now

        func flush() throws {
            lastFlush = .now
            guard !batchLines.isEmpty else { return }
            try store.write(batch)
            cache.markCommitted(upTo: lastIndexInBatch)
            for line in batchLines { onOutcome(line) }
            summary.lastCursor = batch.cursor?.position
            batch = StoreBatch()
            batchLines.removeAll(keepingCapacity: true)
        }

        for await chunk in results {
            for result in chunk {
                pending[result.index] = result
            }
            // Emit the contiguous prefix in frame order.
            while let index = nextIndex, let result = pending.removeValue(forKey: index) {
                summary.count(result.line)
                batch.outcomes.append(RecordedOutcome(line: result.line, frame: result.frame, processedAt: result.processedAt))
                if let state = result.newState { batch.accounts[state.did] = state }
                if let mirror = result.mirror { batch.mirrorUpdates.append(mirror) }
                batch.cursor = (configuration.upstream, result.cursorPosition)
                batchLines.append(result.line)
                lastIndexInBatch = index
                nextIndex = index + 1
                window.release()
                if batchLines.count >= configuration.batchSize { try flush() }
            }
            if let interval = configuration.flushInterval, ContinuousClock.now - lastFlush >= interval { try flush() }
        }
        // Anything left is a gap in indices (should not happen); write it in order anyway.
        for index in pending.keys.sorted() {
            let result = pending[index]!
            summary.count(result.line)
            batch.outcomes.append(RecordedOutcome(line: result.line, frame: result.frame, processedAt: result.processedAt))
            if let state = result.newState { batch.accounts[state.did] = state }
            if let mirror = result.mirror { batch.mirrorUpdates.append(mirror) }
            batch.cursor = (configuration.upstream, result.cursorPosition)
            batchLines.append(result.line)
            lastIndexInBatch = index
        }
        try flush()
        return summary
    }
}
