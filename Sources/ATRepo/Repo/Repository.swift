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

    /// Loads a complete repository from its blocks once ``RepositoryVerifier`` accepted it (no DID or signature
    /// expectation: see ``RepositoryVerifier/init(did:key:acceptVersion2:)``), keeping the whole tree in memory for
    /// ``exportBlocks(records:)``. Throws the verifier's ``ATRepoError``.
    public init(commit commitCID: CID, blocks: some BlockSource, acceptVersion2: Bool = true) throws(ATRepoError) {
        let verified: VerifiedRepository
        do {
            verified = try RepositoryVerifier(did: nil, key: nil, acceptVersion2: acceptVersion2).verify(root: commitCID, blocks: blocks)
        } catch let error as ATRepoError {
            throw error
        } catch {
            throw ATRepoError(.invalidRepository, "\(error)", cid: commitCID)
        }
        self.commit = verified.commit
        self.tree = try MST(root: verified.data, blocks: blocks, requireComplete: true)
        self.recordCount = verified.recordCount
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
