public import ATIdentity
/// The one fresh-key rule: a check runs with the signing key at hand; when the signature fails with a key that
/// came from a cache, the key is looked up once more bypassing every cache and the check runs again. Used for
/// events (``AccountMachine/process(_:index:state:time:key:)``), events held during a resync and whole
/// repositories.
public enum FreshKeyRetry {
    /// Runs `check` with `lookup(false)`; when `needsFreshKey` says its answer asks for a fresh key, runs it once
    /// more with `lookup(true)` and returns that answer as it is.
    public static func run<Answer>(lookup: (_ fresh: Bool) async -> SigningKeyLookup?,
                                   check: (SigningKeyLookup?) -> Answer,
                                   needsFreshKey: (Answer) -> Bool) async -> Answer {
        let first = check(await lookup(false))
        guard needsFreshKey(first) else { return first }
        return check(await lookup(true))
    }
}

extension AccountMachine {
    /// Processes one message with the fresh-key rule: `key(fresh)` is asked for the account's signing key only
    /// when the message needs one, and again with `fresh` true when the signature failed with a cached key. A
    /// signature that still fails with a cached key is a bad signature. `workspace` is the worker's reusable storage.
    public func process(_ message: FirehoseMessage, index: Int, state: AccountState?, time: VerificationTime,
                        workspace: VerifierWorkspace? = nil,
                        key: (_ fresh: Bool) async -> SigningKeyLookup?) async -> StepResult {
        let answer = await FreshKeyRetry.run(
            lookup: { fresh in
                guard message.needsSigningKey else { return nil }
                return await key(fresh)
            },
            check: { process(message, index: index, state: state, key: $0, time: time, workspace: workspace) },
            needsFreshKey: { answer in
                if case .needsFreshKey = answer { return true }
                return false
            })
        switch answer {
        case .step(let step): return step
        case .needsFreshKey: return cachedKeyFailure(message, index: index)
        }
    }
}
