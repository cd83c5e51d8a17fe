public import IPLD

/// A full repository checked from an export (`getRepo` CAR): the commit, the complete tree, and
/// proof that every record is present (Docs/SPEC.md §6, §7.5 step 3).
public struct Repository: Sendable {
    /// The commit.
    public let commit: Commit
    /// The complete tree; its root CID equals `commit.data`.
    public let tree: MST
    /// The number of records (tree entries).
    public let recordCount: Int

    /// Imports a repository from its blocks: the commit `commitCID`, every tree node and every
    /// record block must be present; every node passes the checks of Docs/SPEC.md §5.4; the tree rebuilt
    /// from its entries must have the root `data`.
    ///
    /// Throws `invalid-repository` (no commit block, rebuild mismatch), `invalid-commit`,
    /// `malformed-mst`, `missing-proof-block` (a node absent) or `missing-record-block`. The signature
    /// is not checked here (see ``Commit/verifySignature(with:)``).
    public init(commit commitCID: CID, blocks: some BlockSource, acceptVersion2: Bool = true) throws(ATRepoError) {
        guard let commitBytes = blocks.block(for: commitCID) else {
            throw ATRepoError(.invalidRepository, "the commit block is missing", cid: commitCID)
        }
        let commit = try Commit(block: commitBytes, cid: commitCID, acceptVersion2: acceptVersion2)
        let tree = try MST(root: commit.data, blocks: blocks, requireComplete: true)
        var entries: [(key: [UInt8], value: CID)] = []
        try tree.forEach { (key: [UInt8], value: CID) throws(ATRepoError) -> Bool in
            guard blocks.contains(value) else {
                throw ATRepoError(.missingRecordBlock, "record \(String(decoding: key, as: UTF8.self)) is missing", cid: value)
            }
            entries.append((key, value))
            return true
        }
        let rebuilt = try MST(sorted: entries)
        guard rebuilt.rootCID == commit.data else {
            throw ATRepoError(.invalidRepository, "the tree rebuilt from its entries has root \(rebuilt.rootCID), not data", cid: commit.data)
        }
        self.commit = commit
        self.tree = tree
        self.recordCount = entries.count
    }

    /// The blocks of an export in the order of Docs/SPEC.md §6: the commit first, then tree nodes in
    /// pre-order with each record after the subtree before it (each record once). Record bytes come
    /// from `records`; a missing one throws `missing-record-block`.
    public func exportBlocks(records: some BlockSource) throws(ATRepoError) -> [(cid: CID, bytes: [UInt8])] {
        var out: [(cid: CID, bytes: [UInt8])] = [(commit.cid, commit.bytes)]
        var emittedRecords = Set<CID>()
        try tree.preorder { (node: (cid: CID, bytes: [UInt8])?, record: CID?) throws(ATRepoError) in
            if let node { out.append(node) }
            if let record, emittedRecords.insert(record).inserted {
                guard let bytes = records.block(for: record) else {
                    throw ATRepoError(.missingRecordBlock, "record block is missing for export", cid: record)
                }
                out.append((record, bytes))
            }
        }
        return out
    }

    /// A CAR v1 file of ``exportBlocks(records:)`` with the commit as its only root.
    public func exportCAR(records: some BlockSource) throws(ATRepoError) -> [UInt8] {
        var writer = CARWriter(roots: [commit.cid])
        for block in try exportBlocks(records: records) { writer.append(cid: block.cid, data: block.bytes) }
        return writer.bytes
    }
}
