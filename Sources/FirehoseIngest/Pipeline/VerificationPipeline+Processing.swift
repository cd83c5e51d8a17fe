import ATIdentity
import FirehoseSync

/// The pipeline's per-event work, on the account's lane (``VerificationPipeline/workInLanes(inbox:results:)``):
/// the account machine's verdict, the identity purge, mirror updates and the resync hook.
extension VerificationPipeline {
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
        switch item {
        case .resyncCompletion(let completion, let ordinal):
            return try await applyResync(completion, ordinal: ordinal, now: now)
        case .frame(let work):
            return try await process(work, now: now)
        }
    }

    /// Judges one frame: a verdict reached at decoding, or its message through the account machine with the account's
    /// state and signing key.
    func process(_ work: FrameWork, now: Int64) async throws -> WorkResult {
        switch work.decoded {
        case .final(let judgement, let bytes):
            return WorkResult(index: work.index, cursorPosition: work.cursorPosition, judgement: judgement, newState: nil,
                              frame: judgement.verdict.isRejected ? bytes : nil, processedAt: now, ordinal: work.ordinal)
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
            var step = await machine.process(message, index: index, state: state, time: VerificationTime(micros: now)) { fresh in
                guard let did = message.did else { return nil }
                return await keys.signingKey(for: did, seq: message.seq, fresh: fresh)
            }
            if step.purgeIdentity, let did = message.did { await keys.purge(did) }
            let mirror = message.did.flatMap { did in
                configuration.mirrors[did].flatMap { VerificationPipeline.mirrorUpdate(step, did: did, filter: $0) }
            }
            if let resync, let did = message.did {
                step = resyncHook(resync, step: step, message: message, did: did, state: state, index: index, size: bytes.count, mirror: mirror)
            }
            if let newState = step.newState { cache.putDirty(newState, index: work.ordinal) }
            return WorkResult(index: index, cursorPosition: work.cursorPosition, judgement: step.judgement, newState: step.newState,
                              frame: step.verdict.isRejected ? bytes : nil, processedAt: now, mirror: mirror,
                              eventTime: message.time, ordinal: work.ordinal)
        }
    }

    /// What a processed event means for a mirrored account: a verified commit's record changes, or a stale mark
    /// when the account lost its chain (a chain break, or a `#sync` that sets a new base the mirror cannot follow
    /// without a resync).
    static func mirrorUpdate(_ step: StepResult, did: String, filter: MirrorFilter) -> MirrorUpdate? {
        let event = step.judgement.event
        switch step.verdict {
        case .verified(let verified?):
            return .applying(verified, filter: filter)
        case .verified(nil) where event.type == .sync:
            return .stale(did: did, reason: "#sync at seq \(event.seq.map(String.init) ?? "-") set a new base (rev \(event.rev ?? "-"))",
                          unlessRoot: step.newState?.data, unlessRevAtLeast: event.rev)
        case .desynchronized(let rejection):
            return .stale(did: did, reason: "\(rejection.reason.rawValue) at seq \(event.seq.map(String.init) ?? "-"): \(rejection.detail)")
        default:
            return nil
        }
    }
}
