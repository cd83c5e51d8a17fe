/// What processing one event for its account produced.
public struct StepResult: Sendable {
    /// The verdict about the event, with its note and warnings.
    public var judgement: Judgement
    /// The account's new state, when it changed.
    public var newState: AccountState?
    /// True when the DID's cached identity must be purged (an `#identity` event).
    public var purgeIdentity: Bool

    /// Creates a result.
    public init(_ judgement: Judgement, newState: AccountState? = nil, purgeIdentity: Bool = false) {
        self.judgement = judgement
        self.newState = newState
        self.purgeIdentity = purgeIdentity
    }

    /// The verdict.
    public var verdict: Verdict { judgement.verdict }
}
