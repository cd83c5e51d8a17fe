public import ATIdentity
public import FirehoseSync
public import Logging
import DequeModule
import Synchronization

/// Schedules and runs resyncs (Docs/SPEC.md §7.5): an account whose chain broke (or a mirror that needs a backfill)
/// has its repository fetched with `getRepo` (``RepoFetcher``), fully verified (``RepositoryCheck``, signature
/// with the current key) and handed to the ``VerificationPipeline`` as a ``ResyncCompletion``, which applies it
/// in order with that account's events.
///
/// Bounded: at most ``ResyncConfiguration/concurrency`` downloads at once, at most
/// ``ResyncConfiguration/maxPending`` accounts waiting, bounded per-account event queues. A failed attempt is
/// retried after an exponential backoff, up to ``ResyncConfiguration/maxAttempts``; the account is then left
/// desynchronized and logged. No lock is held during a download or a verification.
///
/// Logs (swift-log, `repo.did`, `resync.result` = `started`, `succeeded`, `failed`, `gave-up`, `refused`).
public final class ResyncCoordinator: Sendable {
    /// The limits in force.
    public let configuration: ResyncConfiguration
    let fetcher: any RepoFetcher
    let keys: any IdentityDirectory
    let logger: Logger
    let metrics: IngestMetrics
    let now: @Sendable () -> Int64
    private let state = Mutex(State())

    /// One account waiting for, or going through, a resync.
    struct Entry: Sendable {
        /// Tells this request from a later one for the same account (after a cancellation).
        var generation = 0
        var attempts = 0
        var claimed = false
        var queue: [HeldEvent] = []
        var queueBytes = 0
        var overflowed = false
        /// Mirror updates of commits verified while a backfill of a synchronized account runs.
        var mirrorBuffer: [MirrorUpdate] = []
    }

    struct State {
        var entries: [String: Entry] = [:]
        var ready = Deque<String>()
        var delayed: [(did: String, at: ContinuousClock.Instant)] = []
        var queuedBytes = 0
        var counts = ResyncCounts()
        var nextGeneration = 0
    }

    /// A coordinator fetching with `fetcher` and verifying with `keys` (the pipeline's key provider). `now`
    /// (µs since the epoch) is the verification time of the future-rev check.
    public init(configuration: ResyncConfiguration = ResyncConfiguration(), fetcher: any RepoFetcher, keys: any IdentityDirectory,
                logger: Logger, metrics: IngestMetrics = IngestMetrics(), now: @escaping @Sendable () -> Int64) {
        self.configuration = configuration
        self.metrics = metrics
        self.fetcher = fetcher
        self.keys = keys
        self.logger = logger
        self.now = now
    }

    /// The totals so far.
    public var counts: ResyncCounts { state.withLock { $0.counts } }

    /// Schedules a resync of `did` (no-op when one is already pending). False when too many accounts are waiting:
    /// the account then stays desynchronized.
    @discardableResult
    public func request(_ did: String, reason: String) -> Bool {
        let accepted: Bool? = state.withLock { s in
            if s.entries[did] != nil { return nil }
            guard s.entries.count < configuration.maxPending else {
                s.counts.refused += 1
                return false
            }
            s.nextGeneration += 1
            s.entries[did] = Entry(generation: s.nextGeneration)
            s.ready.append(did)
            s.counts.scheduled += 1
            return true
        }
        if accepted == false {
            logger.warning("resync refused: too many accounts waiting", metadata: [
                "repo.did": "\(did)", "resync.result": "refused", "resync.reason": "\(reason)"])
        } else if accepted == true {
            logger.debug("resync scheduled", metadata: ["repo.did": "\(did)", "resync.reason": "\(reason)"])
        }
        return accepted != false
    }

    /// How many accounts have a resync pending.
    public var pendingCount: Int { state.withLock { $0.entries.count } }

    /// Whether a resync of `did` is pending (waiting, fetching, or its result not yet applied).
    public func isPending(_ did: String) -> Bool { state.withLock { $0.entries[did] != nil } }

    /// Holds an event of `did` until its resync is applied. False (the event is dropped) when the queue bounds
    /// are reached or no resync is pending.
    @discardableResult
    func enqueue(_ did: String, _ queued: HeldEvent) -> Bool {
        state.withLock { s in
            guard var entry = s.entries[did] else { return false }
            guard entry.queue.count < configuration.maxQueuedPerAccount,
                  s.queuedBytes + queued.bytes <= configuration.maxQueuedBytes else {
                entry.overflowed = true
                s.entries[did] = entry
                s.counts.queuedDropped += 1
                return false
            }
            entry.queue.append(queued)
            entry.queueBytes += queued.bytes
            s.queuedBytes += queued.bytes
            s.entries[did] = entry
            return true
        }
    }

    /// Keeps a mirror update of `did` made while its backfill runs, to re-apply after the fetched repository.
    func buffer(_ did: String, _ update: MirrorUpdate) {
        state.withLock { s in
            guard var entry = s.entries[did], entry.mirrorBuffer.count < configuration.maxQueuedPerAccount else { return }
            entry.mirrorBuffer.append(update)
            s.entries[did] = entry
        }
    }

    /// Drops the pending resync of `did` because the account is synchronized again (a later `#sync` or commit gave it
    /// a new base): no further attempt runs, an attempt in flight is ignored when it ends, and the events held for it
    /// are dropped (the new base supersedes them). False when none was pending.
    @discardableResult
    public func cancel(_ did: String, reason: String) -> Bool {
        let held: Int? = state.withLock { s in
            guard let entry = s.entries.removeValue(forKey: did) else { return nil }
            s.queuedBytes -= entry.queueBytes
            s.counts.queuedDropped += entry.queue.count
            s.counts.cancelled += 1
            return entry.queue.count
        }
        guard let held else { return false }
        logger.info("resync cancelled: the account is synchronized again", metadata: [
            "repo.did": "\(did)", "resync.result": "cancelled", "resync.reason": "\(reason)", "resync.queued_dropped": "\(held)"])
        return true
    }

    /// Removes the pending resync of `did` (its completion is being applied) and returns what it held.
    func finish(_ did: String) -> Entry? {
        state.withLock { s in
            guard let entry = s.entries.removeValue(forKey: did) else { return nil }
            s.queuedBytes -= entry.queueBytes
            return entry
        }
    }

    /// Counts what a completion applied.
    func record(applied: Int, dropped: Int, succeeded: Bool) {
        state.withLock { s in
            s.counts.queuedApplied += applied
            s.counts.queuedDropped += dropped
            if succeeded { s.counts.succeeded += 1 }
        }
    }

    /// Re-arms a resync whose fetched repository could not be used (e.g. older than the verified state), keeping
    /// its queue. False when that was the last attempt (the caller leaves the account desynchronized).
    func retry(_ did: String, entry: Entry, reason: String) -> Bool {
        var entry = entry
        entry.claimed = false
        entry.attempts += 1
        let attempts = entry.attempts
        let gaveUp = attempts >= configuration.maxAttempts
        state.withLock { s in
            s.counts.failed += 1
            if gaveUp {
                s.counts.gaveUp += 1
                s.counts.queuedDropped += entry.queue.count
                return
            }
            s.entries[did] = entry
            s.queuedBytes += entry.queueBytes
            s.delayed.append((did, .now + configuration.backoff(afterFailures: attempts)))
        }
        log(did: did, attempt: attempts, failure: reason, gaveUp: gaveUp)
        return !gaveUp
    }

    // MARK: - Running

    /// Runs ``ResyncConfiguration/concurrency`` fetchers until cancelled, handing each verified repository (or
    /// final failure) to `deliver` (the pipeline's input).
    public func run(deliver: @escaping @Sendable (ResyncCompletion) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<configuration.concurrency {
                group.addTask {
                    while !Task.isCancelled {
                        guard let claimed = self.claim() else {
                            guard (try? await Task.sleep(for: .milliseconds(50))) != nil else { return }
                            continue
                        }
                        if let completion = await self.perform(did: claimed.did, attempt: claimed.attempt, generation: claimed.generation) {
                            await deliver(completion)
                        }
                    }
                }
            }
        }
    }

    /// The next account whose resync may start now.
    func claim() -> (did: String, attempt: Int, generation: Int)? {
        state.withLock { s in
            let now = ContinuousClock.now
            if !s.delayed.isEmpty {
                var later: [(did: String, at: ContinuousClock.Instant)] = []
                for item in s.delayed {
                    if item.at <= now { s.ready.append(item.did) } else { later.append(item) }
                }
                s.delayed = later
            }
            while let did = s.ready.popFirst() {
                guard var entry = s.entries[did], !entry.claimed else { continue }
                entry.claimed = true
                s.entries[did] = entry
                s.counts.started += 1
                return (did, entry.attempts + 1, entry.generation)
            }
            return nil
        }
    }

    /// One attempt: fetch, verify. Nil when it failed and will be retried, or when the request (of `generation`, when
    /// given) was cancelled meanwhile.
    func perform(did: String, attempt: Int, generation: Int? = nil) async -> ResyncCompletion? {
        logger.info("resync started", metadata: ["repo.did": "\(did)", "resync.result": "started", "resync.attempt": "\(attempt)"])
        metrics.resync(BreakwaterMetricNames.ResyncResult.started)
        let failure: String
        do {
            let car = try await fetcher.fetchRepository(did: did)
            let time = VerificationTime(micros: now())
            let check = RepositoryCheck()
            let verdict = await FreshKeyRetry.run(
                lookup: { fresh in await keys.signingKey(for: did, seq: nil, fresh: fresh) },
                check: { check.check(did: did, car: car, key: $0, time: time) },
                needsFreshKey: { verdict in
                    if case .needsFreshKey = verdict { return true }
                    return false
                })
            switch verdict {
            case .verified(let repository):
                guard isCurrent(did, generation: generation) else { return nil }
                return ResyncCompletion(did: did, result: .fetched(repository))
            case .needsFreshKey:
                failure = "\(IngestError(.invalidRepository, "bad-signature: the repository commit does not verify with a fresh key"))"
            case .failed(let rejection):
                failure = "\(IngestError(.invalidRepository, "\(rejection.reason.rawValue): \(rejection.detail)"))"
            }
        } catch {
            failure = "\(error)"
        }
        let gaveUp: Bool? = state.withLock { s in
            // Cancelled meanwhile (the account is synchronized again): nothing to retry or report.
            guard var entry = s.entries[did], generation.map({ $0 == entry.generation }) ?? true else { return nil }
            s.counts.failed += 1
            entry.attempts += 1
            if entry.attempts >= configuration.maxAttempts {
                s.counts.gaveUp += 1
                s.entries[did] = entry  // stays claimed until the pipeline applies the give-up
                return true
            }
            entry.claimed = false
            s.entries[did] = entry
            s.delayed.append((did, .now + configuration.backoff(afterFailures: entry.attempts)))
            return false
        }
        guard let gaveUp else {
            logger.debug("cancelled resync attempt ended", metadata: ["repo.did": "\(did)", "resync.error": "\(failure)"])
            return nil
        }
        log(did: did, attempt: attempt, failure: failure, gaveUp: gaveUp)
        return gaveUp ? ResyncCompletion(did: did, result: .gaveUp(failure)) : nil
    }

    /// Whether the request of `did` an attempt works for (its `generation`; nil: any) is still pending.
    private func isCurrent(_ did: String, generation: Int?) -> Bool {
        state.withLock { s in
            guard let entry = s.entries[did] else { return false }
            return generation.map { $0 == entry.generation } ?? true
        }
    }

    func log(did: String, attempt: Int, failure: String, gaveUp: Bool) {
        metrics.resync(BreakwaterMetricNames.ResyncResult.failed)
        if gaveUp {
            logger.error("resync gave up; account left desynchronized", metadata: [
                "repo.did": "\(did)", "resync.result": "gave-up", "resync.attempt": "\(attempt)", "resync.error": "\(failure)"])
        } else {
            logger.warning("resync failed; will retry", metadata: [
                "repo.did": "\(did)", "resync.result": "failed", "resync.attempt": "\(attempt)", "resync.error": "\(failure)",
                "resync.retry_in": "\(configuration.backoff(afterFailures: attempt))"])
        }
    }

    func logSuccess(did: String, rev: String, records: Int, applied: Int, dropped: Int) {
        metrics.resync(BreakwaterMetricNames.ResyncResult.succeeded)
        logger.info("resync succeeded", metadata: [
            "repo.did": "\(did)", "resync.result": "succeeded", "repo.rev": "\(rev)", "resync.records": "\(records)",
            "resync.queued_applied": "\(applied)", "resync.queued_dropped": "\(dropped)"])
    }
}

/// A finished resync on its way into the pipeline: applied by the account's worker, in order with its events.
public struct ResyncCompletion: Sendable {
    /// What the resync produced.
    public enum Result: Sendable {
        /// The verified repository: the new base.
        case fetched(ResyncRepository)
        /// The last attempt failed (the reason): the account is left desynchronized.
        case gaveUp(String)
    }
    /// The account.
    public var did: String
    /// The result.
    public var result: Result
}
