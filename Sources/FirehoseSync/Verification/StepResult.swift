/// What processing one event produced.
public struct StepResult: Sendable {
    /// The outcome line.
    public var line: OutcomeLine
    /// The account's new state, when it changed.
    public var newState: AccountState?
    /// True when the signature failed with a cached key: re-resolve the DID and process the event again.
    public var needsFreshKey: Bool
    /// True when the DID's cached identity must be purged (an `#identity` event).
    public var purgeIdentity: Bool
    /// The verified commit, for mirrors.
    public var verifiedCommit: VerifiedCommit?

    /// Creates a result.
    public init(line: OutcomeLine, newState: AccountState? = nil, needsFreshKey: Bool = false,
                purgeIdentity: Bool = false, verifiedCommit: VerifiedCommit? = nil) {
        self.line = line
        self.newState = newState
        self.needsFreshKey = needsFreshKey
        self.purgeIdentity = purgeIdentity
        self.verifiedCommit = verifiedCommit
    }
}
