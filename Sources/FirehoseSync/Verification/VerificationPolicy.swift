/// How strictly commits are judged (Docs/CONTRACT.md §3).
public enum VerificationPolicy: String, Sendable, Hashable, CaseIterable {
    /// Every check enforced (the default).
    case strict
    /// The reference relay's leniency (Docs/SPEC.md §8): deprecated flags, legacy commits, forward-check,
    /// inversion and chain failures are recorded as warnings and the commit is applied.
    case relay

    /// The failed checks the relay policy records as warnings instead of refusing the event.
    public static let relayTolerates: Set<Reason> = [
        .deprecatedFlag, .legacyCommit, .chainBreak,
        .invalidOp, .opMismatch, .missingRecordBlock, .missingProofBlock, .malformedMST, .inversionMismatch,
    ]

    /// Whether a check failing with `reason` is only a warning under this policy (the event is applied anyway).
    /// The one place the policy is decided: decoding, the commit checks and the chain check all ask it.
    public func tolerates(_ reason: Reason) -> Bool {
        switch self {
        case .strict: return false
        case .relay: return VerificationPolicy.relayTolerates.contains(reason)
        }
    }
}
