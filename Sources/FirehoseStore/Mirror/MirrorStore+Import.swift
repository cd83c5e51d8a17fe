public import ATCrypto
import ATRepo
public import FirehoseSync
import Foundation
import GRDB
import IPLD

/// Importing a full repository into a mirror (`mirror import`, `mirror add`, resync: Docs/SPEC.md §7.5 steps 3–4).
extension MirrorStore {
    /// Verifies the repository in `blocks` for `did` and makes it the mirror's content, in one transaction
    /// (``RepositoryImport``: what is verified, how records are reconciled, when the mirror is stale).
    ///
    /// Blocks are streamed: they are staged in a temporary table as they arrive and the tree is walked from there,
    /// so memory does not grow with the repository.
    public func importRepository(did: String, blocks: some RepoBlockStream, key: PublicKey,
                                 filter: MirrorFilter? = nil) throws -> MirrorImportReport {
        try importRepository(did: did, blocks: blocks, checkingSignatureWith: key, filter: filter)
    }

    /// ``importRepository(did:blocks:key:filter:)`` with the signature check optional: nil skips it. Tests only (for
    /// repository vectors published without their key).
    func importRepository(did: String, blocks: some RepoBlockStream, checkingSignatureWith key: PublicKey?,
                          filter: MirrorFilter?) throws -> MirrorImportReport {
        var stream = blocks
        return try database.guarded {
            try database.pool.write { db in
                let importer = RepositoryImport(did: did, verifier: RepositoryVerifier(did: did, key: key, acceptVersion2: true),
                                                storage: SQLiteMirrorImportStorage(did: did, db: db))
                return try importer.run(&stream, filter: filter)
            }
        }
    }
}

/// The SQLite side of one import, inside a write transaction: blocks are appended to a temporary table (indexed by
/// CID in one sort once all are in), records go straight into `records`, the keys seen into a second temporary
/// table.
struct SQLiteMirrorImportStorage: MirrorImportStorage {
    let did: String
    let db: Database

    func storedFilter() throws -> MirrorFilter? {
        try Row.fetchOne(db, sql: "SELECT collections FROM mirrors WHERE did = ?", arguments: [did])
            .map { try SQLiteStateStore.filter($0["collections"]) }
    }

    func beginStaging() throws {
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.mirror_blocks; DROP TABLE IF EXISTS temp.mirror_seen;
            CREATE TEMP TABLE mirror_blocks (id INTEGER PRIMARY KEY, cid BLOB NOT NULL, bytes BLOB NOT NULL);
            """)
    }

    func stage(id: Int, cid: CID, bytes: [UInt8]) throws {
        try db.cachedStatement(sql: "INSERT INTO temp.mirror_blocks (id, cid, bytes) VALUES (?, ?, ?)")
            .execute(arguments: [id, Data(cid.bytes), Data(bytes)])
    }

    func finishStaging() throws {
        try db.execute(sql: "CREATE INDEX temp.mirror_blocks_by_cid ON mirror_blocks (cid)")
    }

    func stagedBlock(_ cid: CID) throws -> (id: Int, bytes: [UInt8])? {
        let lookup = try db.cachedStatement(sql: "SELECT id, bytes FROM temp.mirror_blocks WHERE cid = ? ORDER BY id LIMIT 1")
        guard let row = try Row.fetchOne(lookup, arguments: [Data(cid.bytes)]) else { return nil }
        let id: Int = row[0]
        return (id, try row.withUnsafeData(atIndex: 1) { data in data.map { [UInt8]($0) } ?? [] })
    }

    func stagedCID(id: Int) throws -> CID? {
        try SQLiteStateStore.cid(Data.fetchOne(db.cachedStatement(sql: "SELECT cid FROM temp.mirror_blocks WHERE id = ?"), arguments: [id]),
                                 "staged block")
    }

    func firstStagedID(of cid: CID) throws -> Int? {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT MIN(id) FROM temp.mirror_blocks WHERE cid = ?"), arguments: [Data(cid.bytes)])
    }

    func beginRecords() throws -> Bool {
        let fresh = try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM records WHERE did = ?)", arguments: [did]) ?? false)
        if !fresh {
            try db.execute(sql: """
                CREATE TEMP TABLE mirror_seen (collection TEXT NOT NULL, rkey TEXT NOT NULL, PRIMARY KEY (collection, rkey)) WITHOUT ROWID
                """)
        }
        return fresh
    }

    func seenRecord(collection: String, rkey: String) throws -> [UInt8]? {
        try db.cachedStatement(sql: "INSERT INTO temp.mirror_seen (collection, rkey) VALUES (?, ?)").execute(arguments: [collection, rkey])
        return try Data.fetchOne(db.cachedStatement(sql: "SELECT cid FROM records WHERE did = ? AND collection = ? AND rkey = ?"),
                                 arguments: [did, collection, rkey]).map { [UInt8]($0) }
    }

    func insertRecord(collection: String, rkey: String, cid: CID, bytes: [UInt8]) throws {
        try db.cachedStatement(sql: "INSERT INTO records (did, collection, rkey, cid, bytes) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [did, collection, rkey, Data(cid.bytes), Data(bytes)])
    }

    func updateRecord(collection: String, rkey: String, cid: CID, bytes: [UInt8]) throws {
        try db.cachedStatement(sql: "UPDATE records SET cid = ?, bytes = ? WHERE did = ? AND collection = ? AND rkey = ?")
            .execute(arguments: [Data(cid.bytes), Data(bytes), did, collection, rkey])
    }

    func deleteUnseenRecords() throws -> Int {
        try db.execute(sql: """
            DELETE FROM records WHERE did = ? AND NOT EXISTS (
                SELECT 1 FROM temp.mirror_seen s WHERE s.collection = records.collection AND s.rkey = records.rkey)
            """, arguments: [did])
        return db.changesCount
    }

    func accountHead() throws -> (rev: String?, synchronized: Bool)? {
        guard let account = try Row.fetchOne(db, sql: "SELECT rev, sync_state FROM accounts WHERE did = ?", arguments: [did]) else {
            return nil
        }
        return (account["rev"], SyncStateCode.decode(account["sync_state"] ?? 0) == .synchronized)
    }

    func setAccount(rev: String?, data: CID, commit: CID) throws {
        try db.execute(sql: """
            INSERT INTO accounts (did, rev, data, commit_cid, sync_state) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(did) DO UPDATE SET rev = excluded.rev, data = excluded.data, commit_cid = excluded.commit_cid,
                sync_state = excluded.sync_state
            """, arguments: [did, rev, Data(data.bytes), Data(commit.bytes), SyncStateCode.encode(.synchronized)])
    }

    func setMirrorHead(filter: MirrorFilter, data: CID, commit: CID, commitBytes: [UInt8], rev: String?, stale: String?,
                       now: Int64) throws {
        try db.execute(sql: """
            INSERT INTO mirrors (did, collections, data, commit_cid, commit_bytes, rev, stale, added_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(did) DO UPDATE SET collections = excluded.collections, data = excluded.data,
                commit_cid = excluded.commit_cid, commit_bytes = excluded.commit_bytes, rev = excluded.rev,
                stale = excluded.stale, updated_at = excluded.updated_at
            """, arguments: [did, filter.encoded, Data(data.bytes), Data(commit.bytes), Data(commitBytes), rev, stale, now, now])
    }

    func endImport() {
        try? db.execute(sql: "DROP TABLE IF EXISTS temp.mirror_blocks; DROP TABLE IF EXISTS temp.mirror_seen")
    }
}
