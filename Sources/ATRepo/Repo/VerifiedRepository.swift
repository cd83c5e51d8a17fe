public import ATCrypto
public import IPLD

/// A whole repository that passed ``RepositoryVerifier``: its commit, and how many records and tree nodes it holds.
///
/// Only the verifier creates one, so holding a value means the commit, the complete tree, every record block and
/// (when ``key`` is set) the signature were checked.
public struct VerifiedRepository: Sendable, Hashable {
    /// The commit, with its exact bytes and CID.
    public let commit: Commit
    /// The number of records (tree entries).
    public let recordCount: Int
    /// The number of tree nodes walked.
    public let nodeCount: Int
    /// The key the commit signature verified with; nil when the caller asked for no signature check.
    public let key: PublicKey?

    init(commit: Commit, recordCount: Int, nodeCount: Int, key: PublicKey?) {
        self.commit = commit
        self.recordCount = recordCount
        self.nodeCount = nodeCount
        self.key = key
    }

    /// The account the commit belongs to.
    public var did: String { commit.did }
    /// The commit's revision, absent only in version 2 commits.
    public var rev: String? { commit.rev }
    /// The MST root, equal to the root of the tree rebuilt from the records.
    public var data: CID { commit.data }
    /// The commit's CID (the repository's root).
    public var commitCID: CID { commit.cid }
    /// Whether the commit signature was checked.
    public var signatureChecked: Bool { key != nil }
}
