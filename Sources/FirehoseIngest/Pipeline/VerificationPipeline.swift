public import ATIdentity
import ATSyntax
import AsyncAlgorithms
import FirehoseAudit
public import FirehoseSync
import Synchronization

/// The verification pipeline shared by `replay` and `consume` (Docs/ARCHITECTURE.md, "Conventions"):
/// decode → shard by DID → N workers (in order per DID, DIDs in parallel) → reorder → batched store writes.
///
/// The reader hands each worker batches of events (``WorkerMailbox``); the frames between reader and writer are
/// bounded by the window, so a slow store slows the source instead of buffering without bound.
/// Results are written strictly in frame order, and each store transaction carries the cursor of its last
/// frame, so the cursor never runs ahead of the state it describes (Docs/CONTRACT.md §5).
public final class VerificationPipeline: Sendable {
    let configuration: PipelineConfiguration
    let store: any StateStore
    let keys: any IdentityDirectory
    /// The identities file behind ``keys``, when there is one: it answers for its DIDs without waiting.
    let fixedDirectory: FixedDirectory
    /// How many accounts each worker keeps (``AccountTable``).
    let accountsPerWorker: Int
    /// The ordinal of the last result durably written (the workers' tables evict only states at or below it).
    let committed = Atomic<Int>(-1)
    /// The account machine for accounts that are not mirrored: a verified commit's verdict carries no copy of its
    /// block and records (``AccountMachine/keepsVerifiedCommits``).
    let auditMachine: AccountMachine
    /// The account machine for mirrored accounts and resync rebases: verified commits carry what a mirror applies.
    let mirroringMachine: AccountMachine
    /// Called once per frame, in frame order, after its batch is durably stored.
    let onOutcome: @Sendable (OutcomeLine) -> Void
    /// Where counts, latencies and queue depths go (``BreakwaterMetricNames``).
    let metrics: IngestMetrics
    /// Frames read and not yet stored.
    let inFlight = Atomic<Int>(0)
    /// Resyncs of desynchronized accounts (nil: none, as in `replay`).
    let resync: ResyncCoordinator?
    /// Runs before every store transaction with the batch's cursor; a throw stops the pipeline before the batch is
    /// stored (`consume --record` flushes its recording here, so the database never holds a frame the recording lacks).
    let beforeWrite: @Sendable (_ cursor: Int64?) throws -> Void

    /// Creates a pipeline. With `resync`, chain breaks schedule a resync whose result is applied in order with the
    /// account's events (``ResyncCoordinator``). The workers keep up to `accountCapacity` written account states
    /// between them.
    public init(configuration: PipelineConfiguration, store: any StateStore, keys: any IdentityDirectory,
                accountCapacity: Int = 200_000, resync: ResyncCoordinator? = nil,
                beforeWrite: @escaping @Sendable (_ cursor: Int64?) throws -> Void = { _ in }, metrics: IngestMetrics = IngestMetrics(),
                onOutcome: @escaping @Sendable (OutcomeLine) -> Void = { _ in }) {
        self.metrics = metrics
        self.configuration = configuration
        self.store = store
        self.keys = keys
        self.fixedDirectory = FixedDirectory(keys)
        self.accountsPerWorker = accountCapacity / configuration.workers
        self.auditMachine = AccountMachine(policy: configuration.policy, keepsVerifiedCommits: false)
        self.mirroringMachine = AccountMachine(policy: configuration.policy)
        self.resync = resync
        self.onOutcome = onOutcome
        self.beforeWrite = beforeWrite
    }

    /// Runs the pipeline over `frames` until the sequence ends (or the task is cancelled), then flushes.
    /// Frame indices must be consecutive from `startIndex`.
    public func run<Frames: AsyncSequence & Sendable>(_ frames: Frames, startIndex: Int = 0) async throws -> PipelineSummary
    where Frames.Element == IncomingFrame {
        try await run(frames.map { CollectionOfOne($0) }, startIndex: startIndex, handingOverEachBatch: false)
    }

    /// Runs the pipeline over batches of frames (in order; a live stream's socket reads) until the sequence ends (or
    /// the task is cancelled), then flushes. The end of a batch is where no more frames are at hand: what the reader
    /// gathered for the workers goes to them then, so no frame waits for a chunk to fill on a quiet stream.
    public func run<Batches: AsyncSequence & Sendable>(batches: Batches, startIndex: Int = 0) async throws -> PipelineSummary
    where Batches.Element == [IncomingFrame] {
        try await run(batches, startIndex: startIndex, handingOverEachBatch: true)
    }

    private func run<Batches: AsyncSequence & Sendable>(_ frames: Batches, startIndex: Int, handingOverEachBatch: Bool) async throws
    -> PipelineSummary where Batches.Element: Collection & Sendable, Batches.Element.Element == IncomingFrame {
        let workerCount = configuration.workers
        let inboxes = (0..<workerCount).map { _ in WorkerMailbox<WorkerInput>() }
        let results = AsyncChannel<[WorkResult]>()
        let window = FrameWindow(size: configuration.window, bytes: configuration.windowBytes)
        let seqCounts = SeqTracker.Totals()
        let started = ContinuousClock.now
        let summary = try await withThrowingTaskGroup(of: PipelineSummary?.self) { group in
            // Writer: reorders results and writes batches.
            group.addTask { try await self.writeResults(results, startIndex: startIndex, window: window) }
            // Workers.
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { workers in
                    for worker in 0..<workerCount {
                        workers.addTask { try await self.work(inboxes[worker], results: results, capacity: self.accountsPerWorker) }
                    }
                    try await workers.waitForAll()
                }
                results.finish()
                return nil
            }
            // Reader: decode and shard (merging in resync completions when resyncs run).
            group.addTask {
                defer { for inbox in inboxes { inbox.close() } }
                var pending = [[WorkItem]](repeating: [], count: workerCount)
                var seqs = SeqTracker()
                var ordinal = 0
                var interner: DIDInterner? = DIDInterner()
                func dispatch(_ item: WorkItem, worker: Int, now: Bool) async {
                    pending[worker].append(item)
                    if now || pending[worker].count >= self.configuration.chunkSize {
                        await inboxes[worker].send(.items(pending[worker]))
                        pending[worker].removeAll(keepingCapacity: true)
                    }
                }
                func handOverPending() async {
                    for worker in 0..<workerCount where !pending[worker].isEmpty {
                        await inboxes[worker].send(.items(pending[worker]))
                        pending[worker].removeAll(keepingCapacity: true)
                    }
                }
                func handle(_ frame: IncomingFrame) async {
                    if !window.tryAcquire(bytes: frame.bytes.count) {
                        // Hand over what is buffered (the writer may be waiting for it), then wait for a place.
                        await handOverPending()
                        await window.acquire(bytes: frame.bytes.count)
                    }
                    let (gaps, regressions) = (seqs.gaps, seqs.regressions)
                    let raw = DecodedEvent.decode(frame.bytes, index: frame.index, policy: self.configuration.policy, interning: &interner)
                    let decoded = seqs.check(raw)
                    self.metrics.seqGaps(seqs.gaps - gaps)
                    self.metrics.seqDuplicates(seqs.regressions - regressions)
                    self.inFlight.add(1, ordering: .relaxed)
                    let worker = VerificationPipeline.shard(decoded.did, workers: workerCount)
                    await dispatch(.frame(FrameWork(decoded: decoded, index: frame.index, cursorPosition: frame.cursorPosition, ordinal: ordinal, size: frame.bytes.count,
                                                    receipt: self.receipt(of: frame, decoded: raw))),
                                   worker: worker, now: false)
                    ordinal += 1
                }
                if let resync = self.resync {
                    try await self.readMerged(frames, resync: resync) { input in
                        switch input {
                        case .frames(let batch):
                            for frame in batch { await handle(frame) }
                            if handingOverEachBatch { await handOverPending() }
                        case .completion(let completion):
                            let worker = VerificationPipeline.shard(completion.did, workers: workerCount)
                            await dispatch(.resyncCompletion(completion, ordinal: ordinal), worker: worker, now: true)
                            ordinal += 1
                        }
                    }
                } else {
                    reading: for try await batch in frames {
                        for frame in batch {
                            if Task.isCancelled { break reading }
                            await handle(frame)
                        }
                        if handingOverEachBatch { await handOverPending() }
                    }
                }
                await handOverPending()
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

    /// The identities file behind an ``IdentityDirectory``, found once: its keys and hosts never change and never
    /// wait, so events it answers for are judged on the worker at once.
    enum FixedDirectory: Sendable {
        /// Every DID: the directory is an identities file.
        case every(StaticIdentityDirectory)
        /// The DIDs the identities file lists; the others are resolved.
        case listed(StaticIdentityDirectory)
        /// None.
        case none

        init(_ keys: any IdentityDirectory) {
            if let file = keys as? StaticIdentityDirectory {
                self = .every(file)
            } else if let caching = keys as? CachingIdentityDirectory, let file = caching.staticKeys {
                self = .listed(file)
            } else {
                self = .none
            }
        }
    }

    /// The account machine for events of `did`: the mirroring one when the account is mirrored.
    func machine(for did: String?) -> AccountMachine {
        guard !configuration.mirrors.isEmpty, let did, configuration.mirrors[did] != nil else { return auditMachine }
        return mirroringMachine
    }

    /// The identities file that answers for `did` without waiting, if any.
    func fixedKeys(for did: String) -> StaticIdentityDirectory? {
        switch fixedDirectory {
        case .every(let file): return file
        case .listed(let file): return file.contains(did) ? file : nil
        case .none: return nil
        }
    }

    /// Stable shard of a DID (``FNV1a``), so one account's events always meet the same worker in order.
    static func shard(_ did: String?, workers: Int) -> Int {
        guard workers > 1, let did else { return 0 }
        return Int(FNV1a.hash(did.utf8) % UInt64(workers))
    }
}
