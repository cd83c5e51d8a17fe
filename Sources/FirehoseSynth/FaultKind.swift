public import FirehoseSync

/// A labelled fault `synth --faults` can inject. Each names the outcome reason (CONTRACT.md §4) the faulty
/// event must get; the raw values are those reason codes.
public enum FaultKind: String, Sendable, CaseIterable, Hashable {
    case malformedFrame = "malformed-frame"
    case malformedEvent = "malformed-event"
    case oversize = "oversize"
    case invalidOp = "invalid-op"
    case duplicatePath = "duplicate-path"
    case deprecatedFlag = "deprecated-flag"
    case futureRev = "future-rev"
    case malformedCAR = "malformed-car"
    case blockCIDMismatch = "block-cid-mismatch"
    case carRootMismatch = "car-root-mismatch"
    case invalidCommit = "invalid-commit"
    case fieldMismatch = "field-mismatch"
    case badSignature = "bad-signature"
    case opMismatch = "op-mismatch"
    case missingRecordBlock = "missing-record-block"
    case missingProofBlock = "missing-proof-block"
    case malformedMST = "malformed-mst"
    case inversionMismatch = "inversion-mismatch"
    case chainBreak = "chain-break"
    case staleRev = "stale-rev"
    case accountInactive = "account-inactive"
    case repoDesynchronized = "repo-desynchronized"
    case unknownType = "unknown-type"
    case legacyCommit = "legacy-commit"
    case identityUnavailable = "identity-unavailable"

    /// The reason the faulty event must get.
    public var reason: Reason { Reason(rawValue: rawValue)! }
}
