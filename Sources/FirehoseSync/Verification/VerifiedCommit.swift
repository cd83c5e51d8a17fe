public import ATRepo
public import IPLD

/// A commit that passed every check. Only the verifier creates these (the initialiser is internal), so a
/// store or mirror that accepts one knows the checks ran.
public struct VerifiedCommit: Sendable {
    /// The account.
    public let did: String
    /// The commit's rev.
    public let rev: String
    /// The new MST root.
    public let data: CID
    /// The commit CID.
    public let commit: CID
    /// The ops, with the record bytes of creates and updates taken from the slice.
    public let ops: [(op: RepoOp, record: [UInt8]?)]

    init(did: String, rev: String, data: CID, commit: CID, ops: [(op: RepoOp, record: [UInt8]?)]) {
        self.did = did
        self.rev = rev
        self.data = data
        self.commit = commit
        self.ops = ops
    }
}
