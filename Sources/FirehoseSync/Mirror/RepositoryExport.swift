import ATRepo
public import IPLD

/// One mirror export as a repository CAR v1 (`mirror export`), whatever the database: the storage is behind
/// ``MirrorExportStorage``.
///
/// The CAR is in the order of Docs/SPEC.md §6: the stored commit block, then every tree node in pre-order with each
/// record after the subtree before it, each record once. The tree is rebuilt from the stored records and must have
/// the mirror's root, so the export re-imports to the same root and its signature still verifies. Memory does not
/// grow with the repository: records are read in key order, the tree is built node by node
/// (``MSTStreamBuilder``) into the storage, then walked in pre-order from there.
public struct RepositoryExport<Storage: MirrorExportStorage> {
    /// The account.
    public let did: String
    /// Where records are read and nodes kept.
    public let storage: Storage

    /// An export of `did`'s mirror.
    public init(did: String, storage: Storage) {
        self.did = did
        self.storage = storage
    }

    /// Checks the stored head (`filter`, `data`, commit) and writes the CAR to `write` in chunks of about
    /// `chunkSize` bytes. Throws ``FirehoseSyncError`` `mirror-filtered` (a filtered mirror is not a complete
    /// repository), `mirror-not-imported` or `mirror-inconsistent`. Returns the number of records written.
    public func run(filter: MirrorFilter, data: CID?, commit: (cid: CID, bytes: [UInt8])?, chunkSize: Int,
                    write: ([UInt8]) throws -> Void) throws -> Int {
        guard filter.isComplete else {
            throw FirehoseSyncError(.mirrorFiltered, "the mirror of \(did) keeps only \(filter); it cannot be exported as a complete repository")
        }
        guard let data, let commit else {
            throw FirehoseSyncError(.mirrorNotImported, "the mirror of \(did) has no verified head yet; import a repository first")
        }
        guard let parsed = try? Commit(block: commit.bytes, cid: commit.cid, acceptVersion2: true), parsed.data == data else {
            throw FirehoseSyncError(.mirrorInconsistent, "the stored commit block does not match the mirror root")
        }

        // Pass 1: records in MST key order (collections ordered by "collection/" bytes, rkeys by bytes), nodes
        // kept as they complete.
        var builder = MSTStreamBuilder()
        let emit: (CID, [UInt8]) throws -> Void = { cid, bytes in try storage.storeNode(cid: cid, bytes: bytes) }
        let collections = try storage.collections()
            .sorted { Array("\($0)/".utf8).lexicographicallyPrecedes(Array("\($1)/".utf8)) }
        for collection in collections {
            try storage.forEachRecord(collection: collection) { rkey, cid in
                do {
                    try builder.append(key: Array("\(collection)/\(rkey)".utf8), value: cid, emit: emit)
                } catch let error as ATRepoError {
                    throw FirehoseSyncError(.mirrorInconsistent, "the stored records do not form a tree: \(error)")
                }
            }
        }
        let records = builder.count
        let root = try builder.finish(emit: emit)
        try storage.finishNodes()
        guard root == data else {
            throw FirehoseSyncError(.mirrorInconsistent,
                                    "the stored records rebuild to \(root), not the mirror root \(data); the mirror needs a resync")
        }

        // Records stored under several keys are written once.
        let duplicated = try storage.noteDuplicatedRecords()

        // Pass 2: the commit, then the tree in pre-order with each record after the subtree before it.
        var sink = CARSink(chunkSize: chunkSize)
        sink.header(root: commit.cid)
        try sink.block(commit.cid, commit.bytes, write: write)
        let nodes = StoredNodes(storage: storage)
        do {
            try MSTWalker.walk(root: root, blocks: nodes) { step in
                switch step {
                case .node(let cid, let bytes):
                    try sink.block(cid, bytes, write: write)
                case .entry(let key, let value):
                    if duplicated, try !storage.firstEmission(of: value) { return }
                    let text = String(decoding: key, as: UTF8.self)
                    guard let slash = text.firstIndex(of: "/"),
                          let bytes = try storage.recordBytes(collection: String(text[..<slash]),
                                                              rkey: String(text[text.index(after: slash)...])) else {
                        throw FirehoseSyncError(.mirrorInconsistent, "record \(text) (\(value)) is missing")
                    }
                    try sink.block(value, bytes, write: write)
                }
            }
        } catch let error as ATRepoError {
            throw FirehoseSyncError(.mirrorInconsistent, "\(error)")
        }
        if let failure = nodes.failure.error { throw failure }
        try sink.flush(write: write)
        return records
    }
}

/// Tree nodes read back from the storage.
struct StoredNodes<Storage: MirrorExportStorage>: BlockSource {
    final class Failure { var error: (any Error)? }
    let storage: Storage
    let failure = Failure()

    func block(for cid: CID) -> [UInt8]? {
        do {
            return try storage.node(cid)
        } catch {
            failure.error = error
            return nil
        }
    }
}

/// A CAR v1 writer that hands its output on in chunks instead of holding the whole file.
struct CARSink {
    let chunkSize: Int
    var pending: [UInt8] = []

    init(chunkSize: Int) {
        self.chunkSize = max(1, chunkSize)
        pending.reserveCapacity(self.chunkSize + 4096)
    }

    mutating func header(root: CID) {
        let header = DAGCBOR.encode(.map(["roots": .list([.link(root)]), "version": .int(1)]))
        Varint.encode(UInt64(header.count), into: &pending)
        pending.append(contentsOf: header)
    }

    mutating func block(_ cid: CID, _ bytes: [UInt8], write: ([UInt8]) throws -> Void) throws {
        let cidBytes = cid.bytes
        Varint.encode(UInt64(cidBytes.count + bytes.count), into: &pending)
        pending.append(contentsOf: cidBytes)
        pending.append(contentsOf: bytes)
        if pending.count >= chunkSize { try flush(write: write) }
    }

    mutating func flush(write: ([UInt8]) throws -> Void) throws {
        guard !pending.isEmpty else { return }
        try write(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
