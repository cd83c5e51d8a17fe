import ATIdentity
import FirehoseSync

/// The pipeline's per-event work, on the account's worker (``VerificationPipeline/work(_:results:capacity:)``):
/// the account machine's verdict, the identity purge, mirror updates and the resync hook.
extension VerificationPipeline {
    /// Processes one item given its account's state, attributes it to its account's PDS host (`fixedHost` when the
    /// identities file or the account's slot answers for it), and records the verification latency. With `slotKey` (the
    /// key held in the account's slot) nothing is looked up, and the result is nil when the signature failed with it (the
    /// caller then runs the item with the look-up and its fresh retry); without it the result is never nil.
    /// `workspace`: the worker's reusable proof storage (none for jobs running beside the worker).
    func processMeasured(_ item: WorkItem, state: AccountState?, fixedHost: String??, slotKey: SigningKeyLookup? = nil,
                         workspace: VerifierWorkspace? = nil) async -> WorkResult? {
        let started = ContinuousClock.now
        guard let processed = await process(item, state: state, slotKey: slotKey, workspace: workspace) else { return nil }
        var result = await attributed(processed, item: item, fixedHost: fixedHost)
        result.size = item.size
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        metrics.verified(nanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return result
    }

    func process(_ item: WorkItem, state: AccountState?, slotKey: SigningKeyLookup? = nil,
                 workspace: VerifierWorkspace? = nil) async -> WorkResult? {
        let now = configuration.now()
        switch item {
        case .resyncCompletion(let completion, let ordinal):
            return await applyResync(completion, state: state, ordinal: ordinal, now: now)
        case .frame(let work):
            return await process(work, state: state, now: now, slotKey: slotKey, workspace: workspace)
        }
    }

    /// Judges one frame: a verdict reached at decoding, or its message through the account machine with the account's
    /// state (`state`, nil when it has none) and signing key.
    func process(_ work: FrameWork, state: AccountState?, now: Int64, slotKey: SigningKeyLookup? = nil,
                 workspace: VerifierWorkspace? = nil) async -> WorkResult? {
        switch work.decoded {
        case .final(let judgement, let bytes):
            return WorkResult(index: work.index, cursorPosition: work.cursorPosition, judgement: judgement, newState: nil,
                              frame: judgement.verdict.isRejected ? bytes : nil, processedAt: now, ordinal: work.ordinal)
        case .message(let message, let index, let bytes):
            var looked: SigningKeyLookup?
            var step: StepResult
            let machine = machine(for: message.did)
            if let slotKey {
                guard case .step(let judged) = machine.process(message, index: index, state: state, key: slotKey,
                                                               time: VerificationTime(micros: now), workspace: workspace) else { return nil }
                step = judged
            } else {
                step = await machine.process(message, index: index, state: state, time: VerificationTime(micros: now),
                                             workspace: workspace) { fresh in
                    guard let did = message.did else { return nil }
                    looked = await keys.signingKey(for: did, seq: message.seq, fresh: fresh)
                    return looked
                }
            }
            if step.purgeIdentity, let did = message.did { await keys.purge(did) }
            let mirror = message.did.flatMap { did in
                configuration.mirrors[did].flatMap { VerificationPipeline.mirrorUpdate(step, did: did, filter: $0) }
            }
            if let resync, let did = message.did {
                step = resyncHook(resync, step: step, message: message, did: did, state: state, index: index, size: bytes.count, mirror: mirror)
            }
            // Only a key resolved over the network is worth holding in the account's slot: an identities file answers at once.
            let resolved = looked.flatMap { key in message.did.flatMap { fixedKeys(for: $0) } == nil ? key : nil }
            return WorkResult(index: index, cursorPosition: work.cursorPosition, judgement: step.judgement, newState: step.newState,
                              frame: step.verdict.isRejected ? bytes : nil, processedAt: now, mirror: mirror,
                              eventTime: message.time, ordinal: work.ordinal, signingKey: resolved)
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
