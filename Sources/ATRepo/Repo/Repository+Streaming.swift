public import IPLD

extension Repository {
    /// What a streamed check established: the commit and the number of records.
    public struct StreamedCheck: Sendable {
        /// The commit (its signature is not checked here).
        public let commit: Commit
        /// The number of records (tree entries).
        public let recordCount: Int
        /// The number of tree nodes walked.
        public let nodeCount: Int
    }

    /// The checks of ``init(commit:blocks:acceptVersion2:)`` without holding the tree: the commit, every
    /// node walked in pre-order (``MSTWalker``), every record block present, and the tree rebuilt entry by
    /// entry (``MSTStreamBuilder``) to the commit's `data`. Memory is bounded by the tree's depth and node
    /// size, so a repository of any size can be checked from a block store on disk (SPEC.md §6, §7.5).
    ///
    /// `record` receives each entry in key order with its record bytes (for storing); errors it throws end
    /// the check and are rethrown. Throws `ATRepoError` with the codes of the in-memory import.
    public static func checkStreaming(
        commit commitCID: CID, blocks: some BlockSource, acceptVersion2: Bool = true,
        record: (_ key: [UInt8], _ cid: CID, _ bytes: [UInt8]) throws -> Void
    ) throws -> StreamedCheck {
        guard let commitBytes = blocks.block(for: commitCID) else {
            throw ATRepoError(.invalidRepository, "the commit block is missing", cid: commitCID)
        }
        let commit = try Commit(block: commitBytes, cid: commitCID, acceptVersion2: acceptVersion2)
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
        return StreamedCheck(commit: commit, recordCount: records, nodeCount: nodes)
    }
}
