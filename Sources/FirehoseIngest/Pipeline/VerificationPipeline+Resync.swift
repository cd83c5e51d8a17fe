import ATIdentity
import AsyncAlgorithms
import FirehoseSync

/// Resync inside the pipeline (Docs/SPEC.md §7.5; Docs/CONTRACT.md §3 step 3): a chain break schedules a resync and marks
/// the account `resyncing`; its events meanwhile get `ignored`/`repo-desynchronized` but are held; the verified
/// repository arrives as a ``ResyncCompletion`` work item on the account's shard, so it is applied in order with
/// the account's events: it becomes the new base (rev, data, commit, `synchronized`), mirrors are rebuilt from it
/// in the same transaction, and the held events newer than it are applied if they chain.
///
/// Crash safety (Docs/CONTRACT.md §5): a completion writes no cursor, and the held events' outcome lines are written
/// with their frames, so the cursor may pass them while the account is still `resyncing`; after a crash the
/// account is still `resyncing` (or `desynchronized`) and is scheduled again at start, and the repository fetched
/// then includes those events.
extension VerificationPipeline {
    /// What the reader receives when resyncs run.
    enum ReaderInput: Sendable {
        case frames([IncomingFrame])
        case completion(ResyncCompletion)
    }

    /// Reads the batches of `frames` and the coordinator's completions as one sequence until the frames end (or the
    /// task is cancelled); then stops the coordinator (resyncs not yet applied are re-scheduled at the next start).
    func readMerged<Frames: AsyncSequence & Sendable>(_ frames: Frames, resync: ResyncCoordinator,
                                                      _ body: (ReaderInput) async -> Void) async throws
    where Frames.Element: Collection & Sendable, Frames.Element.Element == IncomingFrame {
        let input = AsyncChannel<ReaderInput>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { input.finish() }
                for try await batch in frames {
                    if Task.isCancelled { break }
                    await input.send(.frames(Array(batch)))
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
        let event = step.judgement.event
        let seq = event.seq.map(String.init) ?? "-"
        if let next = step.newState, next.sync == .synchronized, let before = state?.sync, before != .synchronized,
           configuration.mirrors[did] == nil, resync.isPending(did) {
            // A #sync (or, under --policy relay, a commit) gave the account a new base: its resync has no reason left.
            // A mirrored account keeps it: the fetched repository also rebuilds the mirror the #sync marked stale.
            resync.cancel(did, reason: "\(event.type.rawValue) at seq \(seq) synchronized the account")
            return step
        }
        if case .desynchronized(let rejection) = step.verdict, var next = step.newState, next.sync == .desynchronized {
            if resync.request(did, reason: "\(rejection.reason.rawValue) at seq \(seq)") {
                next.sync = .resyncing
                step.newState = next
                if let rev = event.rev {
                    resync.enqueue(did, HeldEvent(message: message, index: index, rev: rev, bytes: size))
                }
            }
            return step
        }
        if step.verdict.reason == .repoDesynchronized {
            if !resync.isPending(did), state?.sync == .resyncing {
                // Resyncing at rest but not scheduled (e.g. refused earlier): schedule it now.
                resync.request(did, reason: "resyncing account without a pending resync")
            }
            if let rev = event.rev, event.type == .commit {
                resync.enqueue(did, HeldEvent(message: message, index: index, rev: rev, bytes: size))
            }
            return step
        }
        if let mirror, case .commit = mirror, resync.isPending(did) {
            resync.buffer(did, mirror)
        }
        return step
    }

    /// Applies a resync completion for its account (on the account's worker, in order), given the account's state.
    func applyResync(_ completion: ResyncCompletion, state: AccountState?, ordinal: Int, now: Int64) async -> WorkResult {
        let did = completion.did
        var result = WorkResult(index: -1, cursorPosition: nil, judgement: nil, newState: nil, frame: nil, processedAt: now, ordinal: ordinal)
        guard let resync, let entry = resync.finish(did) else { return result }
        switch completion.result {
        case .gaveUp:
            if var next = state, next.sync == .resyncing {
                next.sync = .desynchronized
                result.newState = next
            }
        case .fetched(let repository):
            let filter = configuration.mirrors[did]
            let rebase = ResyncRebase(machine: mirroringMachine)
            let plan = await rebase.rebase(state: state, onto: repository, held: entry.queue, time: VerificationTime(micros: now)) { held, fresh in
                await keys.signingKey(for: did, seq: held.message.seq, fresh: fresh)
            }
            switch plan {
            case .keepBase:
                // A mirror backfill (or a #sync restored the base meanwhile): the account keeps its base; the mirror
                // takes the fetched repository, then the commits verified since. An account known only from
                // #identity/#account events has no base yet and takes the fetched repository as its base.
                if filter != nil {
                    result.resyncMirrors = [.replace(repository)] + entry.mirrorBuffer.filter { update in
                        if case .commit(let commit) = update { return commit.rev > repository.rev }
                        return false
                    }
                }
                resync.record(applied: 0, dropped: entry.queue.count, succeeded: true)
                resync.logSuccess(did: did, rev: repository.rev, records: repository.records, applied: 0, dropped: entry.queue.count)
                return result
            case .older(let reason):
                if !resync.retry(did, entry: entry, reason: reason), var next = state {
                    next.sync = .desynchronized
                    result.newState = next
                }
                return result
            case .rebased(let rebased):
                var base = rebased.state
                if let broken = rebased.broken {
                    // A held event that does not chain on the fetched repository: resync again, holding the rest.
                    let seq = broken.event.message.seq.map(String.init) ?? "-"
                    if resync.request(did, reason: "held event at seq \(seq) does not chain") {
                        base.sync = .resyncing
                        resync.enqueue(did, broken.event)
                    }
                    for held in broken.rest { resync.enqueue(did, held) }
                }
                result.newState = base
                result.resyncMirrors = filter.map { filter in
                    [MirrorUpdate.replace(repository)] + rebased.appliedCommits.map { MirrorUpdate.applying($0, filter: filter) }
                } ?? []
                resync.record(applied: rebased.applied, dropped: rebased.dropped, succeeded: true)
                resync.logSuccess(did: did, rev: repository.rev, records: repository.records, applied: rebased.applied, dropped: rebased.dropped)
            }
        }
        return result
    }
}
