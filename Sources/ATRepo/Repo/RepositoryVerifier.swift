public import ATCrypto
public import IPLD

/// The one check of a whole repository (a `getRepo` export, a mirror import, `inspect car --verify`), over any
/// ``BlockSource``: blocks in memory, a CAR read in place, or blocks staged on disk.
///
/// Checked, in order: the commit block is among the blocks (`car-root-mismatch`), it is a well-formed commit
/// (`invalid-commit`; version 2 only when ``acceptVersion2``), it belongs to ``did`` when one is expected
/// (`field-mismatch`), its signature verifies with ``key`` when one is given (`bad-signature`), every tree node is
/// present and valid (`missing-proof-block`, `malformed-mst`), every record block is present
/// (`missing-record-block`), and the tree rebuilt entry by entry has the commit's `data` as its root
/// (`invalid-repository`). ``ATRepoError/Code/rejectionReason`` maps each failure to its rejection reason.
///
/// The tree is walked in pre-order and rebuilt as it goes, never held: memory is bounded by the tree's depth
/// and node size, whatever the repository's size. Hashes are the block source's concern (a CAR reader checks
/// every block against its CID).
public struct RepositoryVerifier: Sendable {
    /// The account the commit must belong to; nil accepts any.
    public let did: String?
    /// The key the commit signature must verify with; nil skips the signature check (the result says so).
    public let key: PublicKey?
    /// Whether version 2 commits (old exports) are accepted.
    public let acceptVersion2: Bool

    /// A verifier expecting `did` (nil: any account), checking the signature with `key` (nil: not checked).
    public init(did: String?, key: PublicKey?, acceptVersion2: Bool) {
        self.did = did
        self.key = key
        self.acceptVersion2 = acceptVersion2
    }

    /// Verifies the repository whose commit is `root`.
    ///
    /// `record` receives each entry in key order with its record bytes, as the walk reaches it (for storing);
    /// an error it throws ends the verification and is rethrown. Verification failures throw ``ATRepoError``.
    public func verify(
        root: CID, blocks: some BlockSource,
        record: (_ key: [UInt8], _ cid: CID, _ bytes: [UInt8]) throws -> Void = { _, _, _ in }
    ) throws -> VerifiedRepository {
        let commit = try verifiedCommit(root: root, blocks: blocks)
        var builder = MSTStreamBuilder()
        var nodes = 0
        try MSTWalker.walk(root: commit.data, blocks: blocks) { step in
            switch step {
            case .node:
                nodes += 1
            case .entry(let key, let value):
                guard let bytes = blocks.block(for: value) else {
                    throw ATRepoError(.missingRecordBlock, "record \(String(decoding: key, as: UTF8.self)) is missing", cid: value)
                }
                try builder.append(key: key, value: value)
                try record(key, value, bytes)
            }
        }
        let records = builder.count
        let rebuilt = try builder.finish()
        guard rebuilt == commit.data else {
            throw ATRepoError(.invalidRepository, "the tree rebuilt from its entries has root \(rebuilt), not data", cid: commit.data)
        }
        return VerifiedRepository(commit: commit, recordCount: records, nodeCount: nodes, key: key)
    }

    /// The commit `root`: present, well formed, of the expected account, signed with the expected key.
    func verifiedCommit(root: CID, blocks: some BlockSource) throws(ATRepoError) -> Commit {
        guard let bytes = blocks.block(for: root) else {
            throw ATRepoError(.carRootMismatch, "the commit block \(root) is not in the CAR")
        }
        let commit = try Commit(block: bytes, cid: root, acceptVersion2: acceptVersion2)
        if let did, commit.did != did {
            throw ATRepoError(.fieldMismatch, "the commit is by \(commit.did), not \(did)")
        }
        if let key {
            let check = commit.verifySignature(with: key)
            guard check.isValid else {
                throw ATRepoError(.badSignature, "\(check) with \(key.didKey)")
            }
        }
        return commit
    }
}
