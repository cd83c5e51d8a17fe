import ATIdentity
import AsyncAlgorithms
import FirehoseSync

/// Resync inside the pipeline (SPEC.md §7.5; CONTRACT.md §3 step 3): a chain break schedules a resync and marks
/// the account `resyncing`; its events meanwhile get `ignored`/`repo-desynchronized` but are held; the verified
/// repository arrives as a ``ResyncCompletion`` work item on the account's shard, so it is applied in order with
/// the account's events: it becomes the new base (rev, data, commit, `synchronized`), mirrors are rebuilt from it
/// in the same transaction, and the held events newer than it are applied if they chain.
///
/// Crash safety (CONTRACT.md §5): a completion writes no cursor, and the held events' outcome lines are written
/// with their frames, so the cursor may pass them while the account is still `resyncing`; after a crash the
/// account is still `resyncing` (or `desynchronized`) and is scheduled again at start, and the repository fetched
/// then includes those events.
extension VerificationPipeline {
    /// What the reader receives when resyncs run.
    enum ReaderInput: Sendable {
        case frame(IncomingFrame)
        case completion(ResyncCompletion)
    }

    /// Reads `frames` and the coordinator's completions as one sequence until the frames end (or the task is
    /// cancelled); then stops the coordinator (resyncs not yet applied are re-scheduled at the next start).
    func readMerged<Frames: AsyncSequence & Sendable>(_ frames: Frames, resync: ResyncCoordinator,
                                                      _ body: (ReaderInput) async -> Void) async throws
    where Frames.Element == IncomingFrame {
        let input = AsyncChannel<ReaderInput>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { input.finish() }
                for try await frame in frames {
                    if Task.isCancelled { break }
                    await input.send(.frame(frame))
                }
            }
            group.addTask {
                await resync.run { completion in await input.send(.completion(completion)) }
            }
            for await item in input { await body(item) }
            group.cancelAll()
            try await group.waitForAll()  // rethrows the frames' error, if any
        }
    }

    /// After a frame's step: schedule a resync on a chain break, hold events that wait for one, buffer mirror
    /// updates while a mirror backfill runs. Returns the step with the state the writer should store.
    func resyncHook(_ resync: ResyncCoordinator, step: StepResult, message: FirehoseMessage, did: String, state: AccountState?,
                    index: Int, size: Int, mirror: MirrorUpdate?) -> StepResult {
        var step = step
        let line = step.line
        if let next = step.newState, next.sync == .synchronized, let before = state?.sync, before != .synchronized,
           configuration.mirrors[did] == nil, resync.isPending(did) {
            // A #sync (or, under --policy relay, a commit) gave the account a new base: its resync has no reason left.
            // A mirrored account keeps it: the fetched repository also rebuilds the mirror the #sync marked stale.
            resync.cancel(did, reason: "\(line.type.rawValue) at seq \(line.seq.map(String.init) ?? "-") synchronized the account")
            return step
        }
        if line.outcome == .desynchronized, var next = step.newState, next.sync == .desynchronized {
            if resync.request(did, reason: "\(line.reason?.rawValue ?? "desynchronized") at seq \(line.seq.map(String.init) ?? "-")") {
                next.sync = .resyncing
                step.newState = next
                if let rev = line.rev {
                    resync.enqueue(did, .init(message: message, index: index, rev: rev, bytes: size))
                }
            }
            return step
        }
        if line.reason == .repoDesynchronized {
            if !resync.isPending(did), state?.sync == .resyncing {
                // Resyncing at rest but not scheduled (e.g. refused earlier): schedule it now.
                resync.request(did, reason: "resyncing account without a pending resync")
            }
            if let rev = line.rev, line.type == .commit {
                resync.enqueue(did, .init(message: message, index: index, rev: rev, bytes: size))
            }
            return step
        }
        if let mirror, case .commit = mirror, resync.isPending(did) {
            resync.buffer(did, mirror)
        }
        return step
    }

    /// Applies a resync completion for its account (on the account's worker, in order).
    func applyResync(_ completion: ResyncCompletion, ordinal: Int, now: Int64) async throws -> WorkResult {
        let did = completion.did
        var state: AccountState? = cache.lookup(did)
        if state == nil, let stored = try store.accounts([did])[did] {
            cache.putClean(stored)
            state = stored
        }
        var result = WorkResult(index: -1, cursorPosition: nil, line: nil, newState: nil, frame: nil, processedAt: now, ordinal: ordinal)
        guard let resync, let entry = resync.finish(did) else { return result }
        switch completion.result {
        case .gaveUp:
            if var next = state, next.sync == .resyncing {
                next.sync = .desynchronized
                result.newState = next
            }
        case .fetched(let repository):
            let filter = configuration.mirrors[did]
            if let current = state, current.sync == .synchronized, current.data != nil {
                // A mirror backfill (or a #sync restored the base meanwhile): the account keeps its base; the mirror
                // takes the fetched repository, then the commits verified since. An account known only from
                // #identity/#account events has no base yet and takes the fetched repository as its base below.
                if filter != nil {
                    result.resyncMirrors = [.replace(repository)] + entry.mirrorBuffer.filter { update in
                        if case .commit(let commit) = update { return commit.rev > repository.rev }
                        return false
                    }
                }
                resync.record(applied: 0, dropped: entry.queue.count, succeeded: true)
                resync.logSuccess(did: did, rev: repository.rev, records: repository.records, applied: 0, dropped: entry.queue.count)
                return result
            }
            if let storedRev = state?.rev, repository.rev < storedRev {
                let reason = "the fetched repository (rev \(repository.rev)) is older than the verified state (rev \(storedRev))"
                if !resync.retry(did, entry: entry, reason: reason), var next = state {
                    next.sync = .desynchronized
                    result.newState = next
                }
                return result
            }
            var base = state ?? .new(did)
            base.rev = repository.rev
            base.data = repository.data
            base.commit = repository.commit
            base.sync = .synchronized
            var mirrors: [MirrorUpdate] = filter == nil ? [] : [.replace(repository)]
            var applied = 0
            var dropped = 0
            var broke = false
            for queued in entry.queue {
                if broke {
                    resync.enqueue(did, queued)
                    continue
                }
                guard queued.rev > (base.rev ?? "") else {
                    dropped += 1
                    continue
                }
                let time = VerificationTime(micros: now)
                var key = await keys.signingKey(for: did, seq: queued.message.seq, fresh: false)
                var step = machine.process(queued.message, index: queued.index, state: base, key: key, time: time)
                if step.needsFreshKey {
                    key = await keys.signingKey(for: did, seq: queued.message.seq, fresh: true)
                    step = machine.process(queued.message, index: queued.index, state: base, key: key, time: time)
                }
                switch step.line.outcome {
                case .verified:
                    applied += 1
                    if let next = step.newState { base = next }
                    if let filter, let verified = step.verifiedCommit { mirrors.append(.applying(verified, filter: filter)) }
                case .desynchronized:
                    // A held event that does not chain on the fetched repository: resync again, holding the rest.
                    dropped += 1
                    if var next = step.newState, resync.request(did, reason: "held event at seq \(step.line.seq.map(String.init) ?? "-") does not chain") {
                        next.sync = .resyncing
                        base = next
                        broke = true
                        resync.enqueue(did, queued)
                    } else if let next = step.newState {
                        base = next
                        broke = true
                    }
                default:
                    dropped += 1
                }
            }
            result.newState = base
            result.resyncMirrors = mirrors
            resync.record(applied: applied, dropped: dropped, succeeded: true)
            resync.logSuccess(did: did, rev: repository.rev, records: repository.records, applied: applied, dropped: dropped)
        }
        if let newState = result.newState { cache.putDirty(newState, index: ordinal) }
        return result
    }
}
