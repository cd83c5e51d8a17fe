import FirehoseSync
import IPLD
import PostgresNIO

/// The PostgreSQL side of one repository import (``RepositoryImport``), inside the import's transaction: blocks
/// are staged in a temporary table (indexed by CID once all are in) and records written to `records`, both in
/// pipelined groups (``flushLimit``) so memory stays bounded and round trips few; the keys seen go to a second
/// temporary table. Both tables are dropped at the end of the transaction.
final class PostgresMirrorImportStorage: MirrorImportStorage {
    let did: String
    let statements: Statements
    /// Statements not sent yet, and the bytes they carry.
    private var pending: [(String, PostgresBindings)] = []
    private var pendingBytes = 0

    /// Queued statements (or bytes) that make the next call send them.
    static let flushLimit = (statements: 500, bytes: 4 << 20)

    init(did: String, statements: Statements) {
        self.did = did
        self.statements = statements
    }

    private func queue(_ sql: String, _ binds: Binds, bytes: Int) throws {
        pending.append((sql, binds.values))
        pendingBytes += bytes
        if pending.count >= Self.flushLimit.statements || pendingBytes >= Self.flushLimit.bytes { try flush() }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        let sending = pending
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
        try statements.pipeline(sending)
    }

    private func query(_ sql: String, _ binds: Binds) throws -> [PostgresRow] {
        try flush()
        return try statements.query(sql, binds.values)
    }

    private var didBinds: Binds {
        var binds = Binds()
        binds.add(did)
        return binds
    }

    func storedFilter() throws -> MirrorFilter? {
        try query("SELECT collections FROM mirrors WHERE did = $1", didBinds).first
            .map { try PostgresMirrorStore.filter(RowReader($0).value(0, as: String.self)) }
    }

    func beginStaging() throws {
        try statements.execute("DROP TABLE IF EXISTS pg_temp.mirror_blocks")
        try statements.execute("DROP TABLE IF EXISTS pg_temp.mirror_seen")
        try statements.execute("""
            CREATE TEMP TABLE mirror_blocks (id INTEGER PRIMARY KEY, cid BYTEA NOT NULL, bytes BYTEA NOT NULL) ON COMMIT DROP
            """)
    }

    func stage(id: Int, cid: CID, bytes: [UInt8]) throws {
        var binds = Binds()
        binds.add(Int32(id))
        binds.add(bytes: cid.bytes)
        binds.add(bytes: bytes)
        try queue("INSERT INTO mirror_blocks (id, cid, bytes) VALUES ($1, $2, $3)", binds, bytes: bytes.count)
    }

    func finishStaging() throws {
        try flush()
        try statements.execute("CREATE INDEX mirror_blocks_by_cid ON mirror_blocks (cid, id)")
        try statements.execute("ANALYZE mirror_blocks")
    }

    func stagedBlock(_ cid: CID) throws -> (id: Int, bytes: [UInt8])? {
        var binds = Binds()
        binds.add(bytes: cid.bytes)
        guard let row = try query("SELECT id, bytes FROM mirror_blocks WHERE cid = $1 ORDER BY id LIMIT 1", binds).first.map(RowReader.init) else {
            return nil
        }
        return (Int(try row.value(0, as: Int32.self)), try row.bytes(1) ?? [])
    }

    func stagedCID(id: Int) throws -> CID? {
        var binds = Binds()
        binds.add(Int32(id))
        return try query("SELECT cid FROM mirror_blocks WHERE id = $1", binds).first
            .flatMap { try PostgresStateStore.cid(RowReader($0).bytes(0), "staged block") }
    }

    func firstStagedID(of cid: CID) throws -> Int? {
        var binds = Binds()
        binds.add(bytes: cid.bytes)
        return try query("SELECT MIN(id) FROM mirror_blocks WHERE cid = $1", binds).first
            .flatMap { try RowReader($0).value(0, as: Int32?.self) }.map(Int.init)
    }

    func beginRecords() throws -> Bool {
        let fresh = try query("SELECT 1 FROM records WHERE did = $1 LIMIT 1", didBinds).isEmpty
        if !fresh {
            try statements.execute("""
                CREATE TEMP TABLE mirror_seen (collection TEXT NOT NULL, rkey TEXT NOT NULL, PRIMARY KEY (collection, rkey)) ON COMMIT DROP
                """)
        }
        return fresh
    }

    func seenRecord(collection: String, rkey: String) throws -> [UInt8]? {
        var seen = Binds()
        seen.add(collection)
        seen.add(rkey)
        try queue("INSERT INTO mirror_seen (collection, rkey) VALUES ($1, $2)", seen, bytes: 0)
        var binds = Binds()
        binds.add(did)
        binds.add(collection)
        binds.add(rkey)
        return try query("SELECT cid FROM records WHERE did = $1 AND collection = $2 AND rkey = $3", binds).first
            .flatMap { try RowReader($0).bytes(0) }
    }

    func insertRecord(collection: String, rkey: String, cid: CID, bytes: [UInt8]) throws {
        var binds = Binds()
        binds.add(did)
        binds.add(collection)
        binds.add(rkey)
        binds.add(bytes: cid.bytes)
        binds.add(bytes: bytes)
        try queue("INSERT INTO records (did, collection, rkey, cid, bytes) VALUES ($1, $2, $3, $4, $5)", binds, bytes: bytes.count)
    }

    func updateRecord(collection: String, rkey: String, cid: CID, bytes: [UInt8]) throws {
        var binds = Binds()
        binds.add(bytes: cid.bytes)
        binds.add(bytes: bytes)
        binds.add(did)
        binds.add(collection)
        binds.add(rkey)
        try queue("UPDATE records SET cid = $1, bytes = $2 WHERE did = $3 AND collection = $4 AND rkey = $5", binds, bytes: bytes.count)
    }

    func deleteUnseenRecords() throws -> Int {
        try query("""
            DELETE FROM records WHERE did = $1 AND NOT EXISTS (
                SELECT 1 FROM mirror_seen s WHERE s.collection = records.collection AND s.rkey = records.rkey)
            RETURNING 1
            """, didBinds).count
    }

    func accountHead() throws -> (rev: String?, synchronized: Bool)? {
        guard let row = try query("SELECT rev, sync_state FROM accounts WHERE did = $1", didBinds).first.map(RowReader.init) else {
            return nil
        }
        return (try row.value(0, as: String?.self), SyncStateCode.decode(Int(try row.value(1, as: Int16.self))) == .synchronized)
    }

    func setAccount(rev: String?, data: CID, commit: CID) throws {
        var binds = Binds()
        binds.add(did)
        binds.add(rev)
        binds.add(bytes: data.bytes)
        binds.add(bytes: commit.bytes)
        binds.add(Int16(SyncStateCode.encode(.synchronized)))
        _ = try query("""
            INSERT INTO accounts (did, rev, data, commit_cid, sync_state) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (did) DO UPDATE SET rev = excluded.rev, data = excluded.data, commit_cid = excluded.commit_cid,
                sync_state = excluded.sync_state
            """, binds)
    }

    func setMirrorHead(filter: MirrorFilter, data: CID, commit: CID, commitBytes: [UInt8], rev: String?, stale: String?,
                       now: Int64) throws {
        var binds = Binds()
        binds.add(did)
        binds.add(filter.encoded)
        binds.add(bytes: data.bytes)
        binds.add(bytes: commit.bytes)
        binds.add(bytes: commitBytes)
        binds.add(rev)
        binds.add(stale)
        binds.add(now)
        _ = try query("""
            INSERT INTO mirrors (did, collections, data, commit_cid, commit_bytes, rev, stale, added_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
            ON CONFLICT (did) DO UPDATE SET collections = excluded.collections, data = excluded.data,
                commit_cid = excluded.commit_cid, commit_bytes = excluded.commit_bytes, rev = excluded.rev,
                stale = excluded.stale, updated_at = excluded.updated_at
            """, binds)
    }

    func endImport() {
        pending.removeAll()
        _ = try? statements.execute("DROP TABLE IF EXISTS pg_temp.mirror_blocks")
        _ = try? statements.execute("DROP TABLE IF EXISTS pg_temp.mirror_seen")
    }
}
