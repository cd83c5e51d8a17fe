import ATRepo
import FirehoseSync
import Foundation
import GRDB
import IPLD

/// Exporting a mirror as a repository CAR (`mirror export`).
extension MirrorStore {
    /// Writes the mirror of `did` as a CAR v1 (``RepositoryExport``: block order, checks) to `write` in chunks.
    /// The rebuilt tree's nodes go to a scratch database file, removed afterwards. Throws `mirror-not-found`,
    /// `mirror-not-imported`, `mirror-filtered` or `mirror-inconsistent`. Returns the number of records written.
    @discardableResult
    public func export(did: String, chunkSize: Int = 1 << 20, write: ([UInt8]) throws -> Void) throws -> Int {
        try database.guarded {
            try database.pool.read { db in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT collections, data, commit_cid, commit_bytes FROM mirrors WHERE did = ?
                    """, arguments: [did]) else {
                    throw FirehoseSyncError(.mirrorNotFound, "\(did) is not mirrored")
                }
                let filter = try SQLiteStateStore.filter(row["collections"])
                let data = try SQLiteStateStore.cid(row["data"], "mirror data")
                let commitCID = try SQLiteStateStore.cid(row["commit_cid"], "mirror commit")
                let commitBytes: Data? = row["commit_bytes"]
                let commit = commitCID.flatMap { cid in commitBytes.map { (cid: cid, bytes: [UInt8]($0)) } }
                let scratch = try ExportScratch()
                defer { scratch.remove() }
                return try RepositoryExport(did: did, storage: SQLiteMirrorExportStorage(did: did, db: db, scratch: scratch))
                    .run(filter: filter, data: data, commit: commit, chunkSize: chunkSize, write: write)
            }
        }
    }
}

/// The SQLite side of one export: records from the read transaction, the rebuilt tree's nodes and the duplicated
/// record CIDs in a scratch file.
struct SQLiteMirrorExportStorage: MirrorExportStorage {
    let did: String
    let db: Database
    let scratch: ExportScratch

    /// The collections, found by skipping through the primary key.
    func collections() throws -> [String] {
        let next = try db.makeStatement(sql: "SELECT MIN(collection) FROM records WHERE did = ? AND collection > ?")
        var out: [String] = []
        var after = ""
        while let collection = try String.fetchOne(next, arguments: [did, after]) {
            out.append(collection)
            after = collection
        }
        return out
    }

    func forEachRecord(collection: String, _ body: (String, CID) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT rkey, cid FROM records WHERE did = ? AND collection = ? ORDER BY rkey",
                                       arguments: [did, collection])
        while let row = try rows.next() {
            guard let cid = try SQLiteStateStore.cid(row[1], "record cid") else { continue }
            try body(row[0], cid)
        }
    }

    func storeNode(cid: CID, bytes: [UInt8]) throws {
        try scratch.storeNode(cid: cid, bytes: bytes)
    }

    func finishNodes() throws {
        try scratch.flushNodes()
        try scratch.queue.inDatabase { scratchDB in try scratchDB.execute(sql: "CREATE INDEX nodes_by_cid ON nodes (cid)") }
    }

    func node(_ cid: CID) throws -> [UInt8]? {
        try scratch.queue.inDatabase { scratchDB in
            try Data.fetchOne(scratchDB.cachedStatement(sql: "SELECT bytes FROM nodes WHERE cid = ? LIMIT 1"), arguments: [Data(cid.bytes)])
                .map { [UInt8]($0) }
        }
    }

    func noteDuplicatedRecords() throws -> Bool {
        let rows = try Row.fetchCursor(db, sql: "SELECT cid FROM records WHERE did = ? GROUP BY cid HAVING COUNT(*) > 1", arguments: [did])
        var any = false
        try scratch.queue.inDatabase { scratchDB in
            while let row = try rows.next() {
                let cid: Data = row[0]
                try scratchDB.execute(sql: "INSERT INTO duplicates (cid) VALUES (?)", arguments: [cid])
                any = true
            }
        }
        return any
    }

    func firstEmission(of cid: CID) throws -> Bool {
        try scratch.firstEmission(of: cid)
    }

    func recordBytes(collection: String, rkey: String) throws -> [UInt8]? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT bytes FROM records WHERE did = ? AND collection = ? AND rkey = ?"),
                          arguments: [did, collection, rkey]).map { [UInt8]($0) }
    }
}

/// A scratch SQLite file for one export (tree nodes by CID, duplicated record CIDs), removed afterwards. Nodes are
/// written in groups of ``nodeGroup``, one transaction each.
final class ExportScratch {
    let path: String
    let queue: DatabaseQueue
    /// Nodes not written yet.
    var pendingNodes: [(cid: Data, bytes: Data)] = []
    /// Nodes written per transaction.
    static let nodeGroup = 1_000

    /// Keeps a node, writing the group when it is full.
    func storeNode(cid: CID, bytes: [UInt8]) throws {
        pendingNodes.append((Data(cid.bytes), Data(bytes)))
        if pendingNodes.count >= Self.nodeGroup { try flushNodes() }
    }

    /// Writes the pending nodes in one transaction.
    func flushNodes() throws {
        guard !pendingNodes.isEmpty else { return }
        try queue.inTransaction { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO nodes (cid, bytes) VALUES (?, ?)")
            for node in pendingNodes { try insert.execute(arguments: [node.cid, node.bytes]) }
            return .commit
        }
        pendingNodes.removeAll(keepingCapacity: true)
    }

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
