/// Why a frame did not get `verified`/`applied` (Docs/CONTRACT.md §4). Raw values are the wire codes.
public enum Reason: String, Sendable, Hashable, CaseIterable, Codable {
    /// Header/body not strict DAG-CBOR, not exactly two items, truncated, over 5 MB.
    case malformedFrame = "malformed-frame"
    /// Body misses a required field or has a wrong type.
    case malformedEvent = "malformed-event"
    /// `blocks` over 2,000,000 bytes or more than 200 ops.
    case oversize = "oversize"
    /// Op shape wrong (create with prev, delete with cid, unknown action, bad path).
    case invalidOp = "invalid-op"
    /// Two ops on one path.
    case duplicatePath = "duplicate-path"
    /// `tooBig` or `rebase` true.
    case deprecatedFlag = "deprecated-flag"
    /// Rev more than 5 minutes ahead.
    case futureRev = "future-rev"
    /// CAR unreadable, wrong version, no roots.
    case malformedCAR = "malformed-car"
    /// A block's bytes do not hash to its CID.
    case blockCIDMismatch = "block-cid-mismatch"
    /// `roots[0]` ≠ `commit`, or the commit block is missing.
    case carRootMismatch = "car-root-mismatch"
    /// Commit object malformed, or not version 3.
    case invalidCommit = "invalid-commit"
    /// Commit `did`/`rev` differ from the envelope.
    case fieldMismatch = "field-mismatch"
    /// Wrong key, corrupt, high-S, DER, not 64 bytes.
    case badSignature = "bad-signature"
    /// The new tree disagrees with an op.
    case opMismatch = "op-mismatch"
    /// A create/update record block is absent.
    case missingRecordBlock = "missing-record-block"
    /// Inversion needs a tree node the slice lacks.
    case missingProofBlock = "missing-proof-block"
    /// A tree node breaks the MST rules.
    case malformedMST = "malformed-mst"
    /// Inverted root ≠ `prevData`.
    case inversionMismatch = "inversion-mismatch"
    /// `prevData` does not match the stored data CID.
    case chainBreak = "chain-break"
    /// Rev ≤ stored rev (duplicate or replay).
    case staleRev = "stale-rev"
    /// Account deactivated, taken down, suspended or deleted.
    case accountInactive = "account-inactive"
    /// Account awaits resync.
    case repoDesynchronized = "repo-desynchronized"
    /// Header `t` not known.
    case unknownType = "unknown-type"
    /// No `prevData`, or update/delete without `prev`.
    case legacyCommit = "legacy-commit"
    /// No signing key could be obtained.
    case identityUnavailable = "identity-unavailable"

    /// The outcome this reason belongs to.
    public var outcome: Outcome {
        switch self {
        case .chainBreak: return .desynchronized
        case .staleRev, .accountInactive, .repoDesynchronized, .unknownType: return .ignored
        case .legacyCommit, .identityUnavailable: return .unverifiable
        default: return .rejected
        }
    }
}
