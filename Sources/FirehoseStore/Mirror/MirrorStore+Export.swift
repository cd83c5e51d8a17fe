import ATRepo
import FirehoseSync
import Foundation
import GRDB
import IPLD

/// Exporting a mirror as a repository CAR (`mirror export`).
extension MirrorStore {
    /// Writes the mirror of `did` as a CAR v1 in the order of Docs/SPEC.md §6 (the stored commit block, then every
    /// tree node in pre-order with each record after the subtree before it, each record once), handing it to
    /// `write` in chunks.
    ///
    /// The tree is rebuilt from the stored records and must have the mirror's root, so the export re-imports to
    /// the same root and its signature still verifies. Memory does not grow with the repository: records are
    /// read in key order and the tree is built node by node (``MSTStreamBuilder``) into a scratch database
    /// file, then walked in pre-order from there. Throws `mirror-not-found`, `mirror-not-imported`,
    /// `mirror-filtered` (a filtered mirror is not a complete repository) or `mirror-inconsistent`.
    /// Returns the number of records written.
    @discardableResult
    public func export(did: String, chunkSize: Int = 1 << 20, write: ([UInt8]) throws -> Void) throws -> Int {
        try database.guarded {
            try database.pool.read { db in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT collections, data, commit_cid, commit_bytes FROM mirrors WHERE did = ?
                    """, arguments: [did]) else {
                    throw StoreError(.mirrorNotFound, "\(did) is not mirrored")
                }
                let filter = try SQLiteStateStore.filter(row["collections"])
                guard filter.isComplete else {
                    throw StoreError(.mirrorFiltered, "the mirror of \(did) keeps only \(filter); it cannot be exported as a complete repository")
                }
                guard let data = try SQLiteStateStore.cid(row["data"], "mirror data"),
                      let commitCID = try SQLiteStateStore.cid(row["commit_cid"], "mirror commit"),
                      let commitData: Data = row["commit_bytes"] else {
                    throw StoreError(.mirrorNotImported, "the mirror of \(did) has no verified head yet; import a repository first")
                }
                let commitBytes = [UInt8](commitData)
                guard let commit = try? Commit(block: commitBytes, cid: commitCID, acceptVersion2: true), commit.data == data else {
                    throw StoreError(.mirrorInconsistent, "the stored commit block does not match the mirror root")
                }
                let scratch = try ExportScratch()
                defer { scratch.remove() }
                return try withoutActuallyEscaping(write) { write in
                    let exporter = MirrorExporter(did: did, db: db, scratch: scratch)
                    return try exporter.run(commit: (commitCID, commitBytes), data: data, chunkSize: chunkSize, write: write)
                }
            }
        }
    }
}

/// One export: pass 1 rebuilds the tree from the records into the scratch file, pass 2 walks it and writes.
struct MirrorExporter {
    let did: String
    let db: Database
    let scratch: ExportScratch

    func run(commit: (cid: CID, bytes: [UInt8]), data: CID, chunkSize: Int,
                      write: @escaping ([UInt8]) throws -> Void) throws -> Int {
        // Pass 1: records in MST key order (collections ordered by "collection/" bytes, rkeys by bytes), nodes
        // into the scratch file as they complete, all in one scratch transaction.
        let (records, root) = try scratch.queue.inDatabase { scratchDB -> (Int, CID) in
            try scratchDB.execute(sql: "BEGIN")
            do {
                var builder = MSTStreamBuilder()
                let store = try scratchDB.makeStatement(sql: "INSERT INTO nodes (cid, bytes) VALUES (?, ?)")
                let emit: (CID, [UInt8]) throws -> Void = { cid, bytes in
                    try store.execute(arguments: [Data(cid.bytes), Data(bytes)])
                }
                for collection in try collections() {
                    let rows = try Row.fetchCursor(db, sql: "SELECT rkey, cid FROM records WHERE did = ? AND collection = ? ORDER BY rkey",
                                                   arguments: [did, collection])
                    while let row = try rows.next() {
                        let rkey: String = row[0]
                        guard let cid = try SQLiteStateStore.cid(row[1], "record cid") else { continue }
                        do {
                            try builder.append(key: Array("\(collection)/\(rkey)".utf8), value: cid, emit: emit)
                        } catch let error as ATRepoError {
                            throw StoreError(.mirrorInconsistent, "the stored records do not form a tree: \(error)")
                        }
                    }
                }
                let count = builder.count
                let root = try builder.finish(emit: emit)
                try scratchDB.execute(sql: "COMMIT; CREATE INDEX nodes_by_cid ON nodes (cid)")
                return (count, root)
            } catch {
                try? scratchDB.execute(sql: "ROLLBACK")
                throw error
            }
        }
        guard root == data else {
            throw StoreError(.mirrorInconsistent,
                             "the stored records rebuild to \(root), not the mirror root \(data); the mirror needs a resync")
        }

        // Records stored under several keys are written once.
        let duplicated = try Data.fetchAll(db, sql: "SELECT cid FROM records WHERE did = ? GROUP BY cid HAVING COUNT(*) > 1",
                                           arguments: [did])
        if !duplicated.isEmpty {
            try scratch.queue.inDatabase { scratchDB in
                for cid in duplicated { try scratchDB.execute(sql: "INSERT INTO duplicates (cid) VALUES (?)", arguments: [cid]) }
            }
        }

        // Pass 2: the commit, then the tree in pre-order with each record after the subtree before it.
        var sink = CARSink(chunkSize: chunkSize, write: write)
        try sink.header(root: commit.cid)
        try sink.block(commit.cid, commit.bytes)
        let recordBytes = try db.makeStatement(sql: "SELECT bytes FROM records WHERE did = ? AND collection = ? AND rkey = ?")
        let nodes = ScratchNodes(queue: scratch.queue)
        do {
            try MSTWalker.walk(root: root, blocks: nodes) { step in
                switch step {
                case .node(let cid, let bytes):
                    try sink.block(cid, bytes)
                case .entry(let key, let value):
                    if !duplicated.isEmpty, try !scratch.firstEmission(of: value) { return }
                    let text = String(decoding: key, as: UTF8.self)
                    guard let slash = text.firstIndex(of: "/"),
                          let bytes = try Data.fetchOne(recordBytes, arguments: [did, String(text[..<slash]), String(text[text.index(after: slash)...])]) else {
                        throw StoreError(.mirrorInconsistent, "record \(text) (\(value)) is missing")
                    }
                    try sink.block(value, [UInt8](bytes))
                }
            }
        } catch let error as ATRepoError {
            throw StoreError(.mirrorInconsistent, "\(error)")
        }
        if let failure = nodes.failure.error { throw failure }
        try sink.flush()
        return records
    }

    /// The account's collections in MST key order, found by skipping through the primary key.
    func collections() throws -> [String] {
        let next = try db.makeStatement(sql: "SELECT MIN(collection) FROM records WHERE did = ? AND collection > ?")
        var out: [String] = []
        var after = ""
        while let collection = try String.fetchOne(next, arguments: [did, after]) {
            out.append(collection)
            after = collection
        }
        return out.sorted { Array("\($0)/".utf8).lexicographicallyPrecedes(Array("\($1)/".utf8)) }
    }
}

/// A scratch SQLite file for one export (tree nodes by CID, duplicated record CIDs), removed afterwards.
final class ExportScratch {
    let path: String
    let queue: DatabaseQueue

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("breakwater-export-\(UUID().uuidString).sqlite").path
        queue = try DatabaseQueue(path: path)
        try queue.inDatabase { db in
            try db.execute(sql: """
                PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
                CREATE TABLE nodes (id INTEGER PRIMARY KEY, cid BLOB NOT NULL, bytes BLOB NOT NULL);
                CREATE TABLE duplicates (cid BLOB PRIMARY KEY NOT NULL, emitted INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
                """)
        }
    }

    /// True the first time a duplicated record's CID is asked about (it is then written), and for CIDs that are
    /// not duplicated.
    func firstEmission(of cid: CID) throws -> Bool {
        try queue.inDatabase { db in
            try db.execute(sql: "UPDATE duplicates SET emitted = 1 WHERE cid = ? AND emitted = 0", arguments: [Data(cid.bytes)])
            if db.changesCount == 1 { return true }
            return try Row.fetchOne(db, sql: "SELECT 1 FROM duplicates WHERE cid = ?", arguments: [Data(cid.bytes)]) == nil
        }
    }

    func remove() {
        try? queue.close()
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// Tree nodes read back from the scratch file.
struct ScratchNodes: BlockSource {
    final class Failure { var error: (any Error)? }
    let queue: DatabaseQueue
    let failure = Failure()

    func block(for cid: CID) -> [UInt8]? {
        do {
            return try queue.inDatabase { db in
                try Data.fetchOne(db.cachedStatement(sql: "SELECT bytes FROM nodes WHERE cid = ? LIMIT 1"), arguments: [Data(cid.bytes)])
                    .map { [UInt8]($0) }
            }
        } catch {
            failure.error = error
            return nil
        }
    }
}

/// A CAR v1 writer that hands its output on in chunks instead of holding the whole file.
struct CARSink {
    let chunkSize: Int
    let write: ([UInt8]) throws -> Void
    var pending: [UInt8] = []

    init(chunkSize: Int, write: @escaping ([UInt8]) throws -> Void) {
        self.chunkSize = max(1, chunkSize)
        self.write = write
        pending.reserveCapacity(self.chunkSize + 4096)
    }

    mutating func header(root: CID) throws {
        let header = DAGCBOR.encode(.map(["roots": .list([.link(root)]), "version": .int(1)]))
        Varint.encode(UInt64(header.count), into: &pending)
        pending.append(contentsOf: header)
    }

    mutating func block(_ cid: CID, _ bytes: [UInt8]) throws {
        let cidBytes = cid.bytes
        Varint.encode(UInt64(cidBytes.count + bytes.count), into: &pending)
        pending.append(contentsOf: cidBytes)
        pending.append(contentsOf: bytes)
        if pending.count >= chunkSize { try flush() }
    }

    mutating func flush() throws {
        guard !pending.isEmpty else { return }
        try write(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
