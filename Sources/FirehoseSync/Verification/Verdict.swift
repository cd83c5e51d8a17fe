/// What the verifier decided about one event: the single answer of ``AccountMachine`` and of the frame checks
/// before it. Outcome lines, alerts, metrics and the store's violations are derived from it at the edge
/// (``Judgement/line``); nothing downstream decides on the text of a line.
public enum Verdict: Sendable {
    /// A commit or `#sync` passed every check and was applied. A commit carries what it proved (mirrors apply it);
    /// a `#sync` sets a new base and carries nothing.
    case verified(VerifiedCommit?)
    /// An identity, account, info or error event was applied.
    case applied
    /// Invalid: the state is unchanged and the frame is kept as evidence.
    case rejected(Rejection)
    /// Valid alone but does not chain on the stored state: the account needs a resync.
    case desynchronized(Rejection)
    /// Nothing to do (stale, inactive, waiting for a resync, unknown type).
    case ignored(Rejection)
    /// Cannot be proven either way (legacy commit, no key).
    case unverifiable(Rejection)

    /// The verdict a failed check leads to. The reason decides the outcome (``Reason/outcome``), in this one place.
    public init(_ rejection: Rejection) {
        switch rejection.reason.outcome {
        case .desynchronized: self = .desynchronized(rejection)
        case .ignored: self = .ignored(rejection)
        case .unverifiable: self = .unverifiable(rejection)
        case .rejected, .verified, .applied: self = .rejected(rejection)
        }
    }

    /// The outcome of the verdict.
    public var outcome: Outcome {
        switch self {
        case .verified: return .verified
        case .applied: return .applied
        case .rejected: return .rejected
        case .desynchronized: return .desynchronized
        case .ignored: return .ignored
        case .unverifiable: return .unverifiable
        }
    }

    /// The failed check behind the verdict (nil for `verified` and `applied`).
    public var rejection: Rejection? {
        switch self {
        case .verified, .applied: return nil
        case .rejected(let r), .desynchronized(let r), .ignored(let r), .unverifiable(let r): return r
        }
    }

    /// The reason code (nil for `verified` and `applied`).
    public var reason: Reason? { rejection?.reason }

    /// The verified commit of a `verified` commit.
    public var verifiedCommit: VerifiedCommit? {
        if case .verified(let commit) = self { return commit }
        return nil
    }

    /// Whether the event was rejected (its frame is then kept as evidence).
    public var isRejected: Bool {
        if case .rejected = self { return true }
        return false
    }
}
