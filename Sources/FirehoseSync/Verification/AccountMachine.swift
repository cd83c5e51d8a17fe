public import ATIdentity
import ATRepo
import ATSyntax
import IPLD

/// The per-account state machine: applies one decoded message to an account's state, running the checks of
/// Docs/CONTRACT.md §3 in order and producing exactly one ``Verdict`` (or the signal that the key must be looked up
/// again).
///
/// Pure: no I/O, no clock reads. The caller supplies the stored state, the signing key and the time, and
/// persists ``StepResult/newState``.
public struct AccountMachine: Sendable {
    /// The policy in force.
    public let policy: VerificationPolicy
    /// Whether a verified `#commit`'s verdict carries its ``VerifiedCommit`` (the commit block and the record bytes,
    /// copied out of the frame: what a mirror applies). When false, a verified commit's verdict is
    /// `.verified(nil)`: the judgement and the new state are the same, without those copies.
    public let keepsVerifiedCommits: Bool

    /// Creates a machine.
    public init(policy: VerificationPolicy = .strict, keepsVerifiedCommits: Bool = true) {
        self.policy = policy
        self.keepsVerifiedCommits = keepsVerifiedCommits
    }

    /// What processing one message gives: a step, or the signal that the signature failed with a key from a cache
    /// (look the key up again, bypassing caches, and process the message once more: ``FreshKeyRetry``).
    public enum Answer: Sendable {
        /// The message was judged.
        case step(StepResult)
        /// The signature failed with a cached key; nothing was judged.
        case needsFreshKey
    }

    /// Processes one message for its account; `workspace`, when given, is the caller's reusable proof storage.
    public func process(_ message: FirehoseMessage, index: Int, state: AccountState?, key: SigningKeyLookup?,
                        time: VerificationTime, workspace: VerifierWorkspace? = nil) -> Answer {
        switch message {
        case .commit(let event):
            return processCommit(event, index: index, state: state, key: key, time: time, workspace: workspace)
        case .sync(let event):
            return processSync(event, index: index, state: state, key: key, time: time)
        case .identity(let event):
            var next = state ?? .new(event.did)
            next.lastSeq = event.seq
            let judged = JudgedEvent(index: index, seq: event.seq, type: .identity, did: event.did, rev: nil)
            return .step(StepResult(Judgement(judged, .applied, note: described(event.handle.map { "handle \($0)" }, event.warnings),
                                              warnings: event.warnings), newState: next, purgeIdentity: true))
        case .account(let event):
            var next = state ?? .new(event.did)
            next.active = event.active
            next.status = event.status
            next.lastSeq = event.seq
            let detail = (event.active ? "active" : "inactive") + (event.status.map { " (\($0))" } ?? "")
            let judged = JudgedEvent(index: index, seq: event.seq, type: .account, did: event.did, rev: nil)
            return .step(StepResult(Judgement(judged, .applied, note: described(detail, event.warnings), warnings: event.warnings),
                                    newState: next))
        case .info(let name, let message):
            return applied(index, nil, .info, nil, name + (message.map { ": \($0)" } ?? ""))
        case .error(let name, let message):
            return applied(index, nil, .error, nil, name + (message.map { ": \($0)" } ?? ""))
        case .handle(let seq, let did, let handle):
            var next = did.map { state ?? .new($0) }
            next?.lastSeq = seq
            return applied(index, seq, .identity, did, "deprecated #handle" + (handle.map { " \($0)" } ?? ""), newState: next,
                           purgeIdentity: did != nil)
        case .tombstone(let seq, let did):
            var next = did.map { state ?? .new($0) }
            next?.active = false
            next?.status = "deleted"
            next?.lastSeq = seq
            return applied(index, seq, .account, did, "deprecated #tombstone: deleted", newState: next)
        case .migrate(let seq, let did):
            return applied(index, seq, .account, did, "deprecated #migrate")
        case .unknown(let type):
            let judged = JudgedEvent(index: index, seq: message.seq, type: .unknown, did: message.did, rev: nil)
            return .step(StepResult(Judgement(judged, Verdict(Rejection(.unknownType, "message type \(type ?? "(none)")")))))
        }
    }

    /// The verdict when the signature still failed with a cached key after the fresh look-up (``FreshKeyRetry``):
    /// a bad signature.
    public func cachedKeyFailure(_ message: FirehoseMessage, index: Int) -> StepResult {
        let judged: JudgedEvent
        switch message {
        case .sync(let event): judged = JudgedEvent(index: index, seq: event.seq, type: .sync, did: event.did, rev: event.rev)
        case .commit(let event): judged = JudgedEvent(index: index, seq: event.seq, type: .commit, did: event.repo, rev: event.rev)
        default: judged = JudgedEvent(index: index, seq: message.seq, type: .unknown, did: message.did, rev: nil)
        }
        return StepResult(Judgement(judged, .rejected(Rejection(.badSignature, "signature failed with the cached key"))))
    }

    func applied(_ index: Int, _ seq: Int64?, _ type: EventType, _ did: String?, _ detail: String, newState: AccountState? = nil,
                 purgeIdentity: Bool = false) -> Answer {
        .step(StepResult(Judgement(JudgedEvent(index: index, seq: seq, type: type, did: did, rev: nil), .applied, note: detail),
                         newState: newState, purgeIdentity: purgeIdentity))
    }

    /// `detail` followed by what each conformance warning means (the codes go on the line's `warnings`).
    func described(_ detail: String?, _ warnings: [ConformanceWarning]) -> String? {
        guard !warnings.isEmpty else { return detail }
        let text = "conformance: " + Array(Set(warnings)).sorted().map(\.meaning).joined(separator: ", ")
        return detail.map { $0 + "; " + text } ?? text
    }

    // MARK: - #commit

    func processCommit(_ event: CommitEvent, index: Int, state: AccountState?, key: SigningKeyLookup?,
                       time: VerificationTime, workspace: VerifierWorkspace? = nil) -> Answer {
        let judged = JudgedEvent(index: index, seq: event.seq, type: .commit, did: event.repo, rev: event.rev)
        func refuse(_ rejection: Rejection, _ newState: AccountState? = nil) -> Answer {
            .step(StepResult(Judgement(judged, Verdict(rejection)), newState: newState))
        }
        // 3. Account state.
        if let gate = gate(state: state, rev: event.rev, allowDesynchronized: false) { return refuse(gate) }
        // 4. Future rev.
        if let future = futureRevCheck(event.rev, time: time) { return refuse(future) }
        // 5–8. CAR, commit, signature, forward check, inversion.
        let checked: CommitCheckResult
        switch CommitChecker(policy: policy).check(event, key: key, isFirstSight: !(state?.hasChain ?? false),
                                                   proofArena: workspace?.proofArena) {
        case .needsFreshKey:
            return .needsFreshKey
        case .failed(let rejection):
            return refuse(rejection)
        case .passed(let passed):
            checked = passed
        }
        var warnings = checked.warnings
        // 9. Chain.
        if let state, state.hasChain, let storedData = state.data {
            if let since = event.since, since != state.rev {
                warnings.append("since \(since) differs from stored rev \(state.rev ?? "-")")
            } else if event.since == nil {
                warnings.append("since is null; stored rev is \(state.rev ?? "-")")
            }
            if event.prevData != storedData {
                let detail = "prevData \(event.prevData?.string ?? "null") does not match stored data \(storedData.string)"
                if !policy.tolerates(.chainBreak) {
                    var next = state
                    next.sync = .desynchronized
                    next.lastSeq = event.seq
                    return refuse(Rejection(.chainBreak, joined([detail] + warnings)), next)
                }
                warnings.append("chain-break: " + detail)
            }
        }
        // 10. Apply.
        var next = state ?? .new(event.repo)
        next.rev = event.rev
        next.data = checked.data
        next.commit = event.commit
        next.sync = .synchronized
        next.lastSeq = event.seq
        let verified = keepsVerifiedCommits ? VerifiedCommit(did: event.repo, rev: event.rev, since: event.since, prevData: event.prevData,
                                                             data: checked.data, commit: event.commit, commitBytes: checked.commit.bytes,
                                                             ops: checked.records(of: event.ops)) : nil
        let conformance = event.warnings + checked.conformance
        return .step(StepResult(Judgement(judged, .verified(verified), note: described(warnings.isEmpty ? nil : joined(warnings), conformance),
                                          warnings: conformance), newState: next))
    }

    // MARK: - #sync

    func processSync(_ event: SyncEvent, index: Int, state: AccountState?, key: SigningKeyLookup?,
                     time: VerificationTime) -> Answer {
        let judged = JudgedEvent(index: index, seq: event.seq, type: .sync, did: event.did, rev: event.rev)
        func refuse(_ rejection: Rejection, _ newState: AccountState? = nil) -> Answer {
            .step(StepResult(Judgement(judged, Verdict(rejection)), newState: newState))
        }
        // A #sync is how a desynchronized account gets a new base, so it is not held back by the sync state.
        if let gate = gate(state: state, rev: event.rev, allowDesynchronized: true) { return refuse(gate) }
        if let future = futureRevCheck(event.rev, time: time) { return refuse(future) }
        let commit: CheckedSyncCommit
        switch CommitChecker(policy: policy).checkSync(event, key: key) {
        case .needsFreshKey:
            return .needsFreshKey
        case .failed(let rejection):
            return refuse(rejection)
        case .passed(let passed):
            commit = passed
        }
        var next = state ?? .new(event.did)
        next.lastSeq = event.seq
        if let stored = state?.data, stored == commit.data, state?.sync == .synchronized {
            next.rev = event.rev
            next.commit = commit.cid
            return refuse(Rejection(.staleRev, "same data \(stored.string) as stored; rev advanced to \(event.rev)"), next)
        }
        next.rev = event.rev
        next.data = commit.data
        next.commit = commit.cid
        next.sync = .synchronized
        return .step(StepResult(Judgement(judged, .verified(nil), note: described("new base data \(commit.data.string)", event.warnings),
                                          warnings: event.warnings), newState: next))
    }

    // MARK: - Shared checks

    /// Step 3: inactive account, desynchronized account, stale rev.
    func gate(state: AccountState?, rev: String, allowDesynchronized: Bool) -> Rejection? {
        guard let state else { return nil }
        if !state.active {
            return Rejection(.accountInactive, "account is inactive" + (state.status.map { " (\($0))" } ?? ""))
        }
        if !allowDesynchronized && state.sync != .synchronized {
            return Rejection(.repoDesynchronized, "account is \(state.sync.rawValue); awaiting resync")
        }
        if let stored = state.rev, rev <= stored {
            return Rejection(.staleRev, "rev \(rev) is not after stored rev \(stored)")
        }
        return nil
    }

    /// Step 4: a rev more than 5 minutes in the future.
    func futureRevCheck(_ rev: String, time: VerificationTime) -> Rejection? {
        guard let tid = try? TID(rev) else { return Rejection(.malformedEvent, "rev \(rev) is not a TID") }
        let revMicros = Int64(clamping: tid.microseconds)
        if revMicros > time.micros + VerificationTime.futureRevTolerance {
            let when = (try? Datetime(microsecondsSinceEpoch: revMicros))?.description ?? "\(revMicros) µs"
            return Rejection(.futureRev, "rev \(rev) is dated \(when), more than 5 minutes ahead of the verifier's clock")
        }
        return nil
    }

    func joined(_ parts: [String]) -> String { parts.joined(separator: "; ") }
}
