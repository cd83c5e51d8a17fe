public import ATRepo
public import IPLD

/// A commit that passed every check. Only the verifier creates these (the initialiser is internal), so a
/// store or mirror that accepts one knows the checks ran.
///
/// Immutable, and a class so that a verdict carrying one (``Verdict/verified(_:)``) stays a word wide on its way
/// from the worker to the writer.
public final class VerifiedCommit: Sendable {
    /// The account.
    public let did: String
    /// The commit's rev.
    public let rev: String
    /// The event's `since` (the previous rev), when present.
    public let since: String?
    /// The event's `prevData` (the previous MST root), when present: a mirror applies the ops only on top of
    /// exactly this root (Docs/CONTRACT.md §3 step 10).
    public let prevData: CID?
    /// The new MST root.
    public let data: CID
    /// The commit CID.
    public let commit: CID
    /// The exact bytes of the signed commit block (a mirror keeps them so its export stays verifiable).
    public let commitBytes: [UInt8]
    /// The ops, with the record bytes of creates and updates taken from the slice.
    public let ops: [(op: RepoOp, record: [UInt8]?)]

    init(did: String, rev: String, since: String?, prevData: CID?, data: CID, commit: CID, commitBytes: [UInt8],
         ops: [(op: RepoOp, record: [UInt8]?)]) {
        self.did = did
        self.rev = rev
        self.since = since
        self.prevData = prevData
        self.data = data
        self.commit = commit
        self.commitBytes = commitBytes
        self.ops = ops
    }
}
