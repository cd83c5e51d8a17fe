public import ATIdentity
/// How a verified repository fetched by a resync becomes an account's new base, and which held events apply on
/// top of it. Pure apart from the signing-key look-up it is given; the pipeline carries out the plan (stores the
/// state, rebuilds mirrors, schedules another resync).
public struct ResyncRebase: Sendable {
    /// The machine that judges the held events.
    public let machine: AccountMachine

    /// A rebase with `machine`.
    public init(machine: AccountMachine) { self.machine = machine }

    /// What to do with the fetched repository.
    public enum Plan: Sendable {
        /// The account already has a synchronized base (a mirror backfill, or a `#sync` restored the base
        /// meanwhile): the base stays; a mirror takes the repository and the commits verified since.
        case keepBase
        /// The repository is older than the verified state (the reason): it cannot be the base.
        case older(String)
        /// The repository is the new base, with the held events applied on it.
        case rebased(Rebased)
    }

    /// A new base and what the held events did on it.
    public struct Rebased: Sendable {
        /// The account's state after the repository and the held events that chain on it.
        public var state: AccountState
        /// The commits of the held events applied, in order (mirrors apply them after the repository).
        public var appliedCommits: [VerifiedCommit] = []
        /// Held events applied.
        public var applied = 0
        /// Held events dropped (not newer than the base, or refused).
        public var dropped = 0
        /// The first held event that does not chain on the new base, the state it left the account in
        /// (`desynchronized`), and the held events after it (not judged).
        public var broken: (event: HeldEvent, state: AccountState, rest: [HeldEvent])?
    }

    /// Plans the rebase of `state` onto `repository` and judges the `held` events on it in order, at `time`;
    /// `key(event, fresh)` gives the signing key for a held event (``FreshKeyRetry``).
    public func rebase(state: AccountState?, onto repository: ResyncRepository, held: [HeldEvent], time: VerificationTime,
                       key: (HeldEvent, _ fresh: Bool) async -> SigningKeyLookup?) async -> Plan {
        if let current = state, current.sync == .synchronized, current.data != nil { return .keepBase }
        if let storedRev = state?.rev, repository.rev < storedRev {
            return .older("the fetched repository (rev \(repository.rev)) is older than the verified state (rev \(storedRev))")
        }
        var base = state ?? .new(repository.did)
        base.rev = repository.rev
        base.data = repository.data
        base.commit = repository.commit
        base.sync = .synchronized
        var result = Rebased(state: base)
        for (position, event) in held.enumerated() {
            guard event.rev > (result.state.rev ?? "") else {
                result.dropped += 1
                continue
            }
            let step = await machine.process(event.message, index: event.index, state: result.state, time: time) { fresh in
                await key(event, fresh)
            }
            switch step.verdict {
            case .verified(let commit):
                result.applied += 1
                if let next = step.newState { result.state = next }
                if let commit { result.appliedCommits.append(commit) }
            case .desynchronized:
                result.dropped += 1
                if let next = step.newState {
                    result.broken = (event, next, Array(held[(position + 1)...]))
                    return .rebased(result)
                }
            default:
                result.dropped += 1
            }
        }
        return .rebased(result)
    }
}
