import FirehoseSync
import IPLD
import PostgresNIO

/// The PostgreSQL side of one mirror export (``RepositoryExport``), inside the export's transaction: records are
/// read a page at a time in byte order, the rebuilt tree's nodes are written to a temporary table in pipelined
/// groups, and the duplicated record CIDs kept in a second one; both are dropped at the end of the transaction.
final class PostgresMirrorExportStorage: MirrorExportStorage {
    let did: String
    let statements: Statements
    private var pending: [(String, PostgresBindings)] = []

    init(did: String, statements: Statements) throws {
        self.did = did
        self.statements = statements
        try statements.execute("DROP TABLE IF EXISTS pg_temp.mirror_export_nodes")
        try statements.execute("DROP TABLE IF EXISTS pg_temp.mirror_export_duplicates")
        try statements.execute("CREATE TEMP TABLE mirror_export_nodes (cid BYTEA NOT NULL, bytes BYTEA NOT NULL) ON COMMIT DROP")
        try statements.execute("""
            CREATE TEMP TABLE mirror_export_duplicates (cid BYTEA PRIMARY KEY, emitted BOOLEAN NOT NULL DEFAULT FALSE) ON COMMIT DROP
            """)
    }

    private var didBinds: Binds {
        var binds = Binds()
        binds.add(did)
        return binds
    }

    func collections() throws -> [String] {
        try statements.query("SELECT DISTINCT collection FROM records WHERE did = $1", didBinds.values)
            .map { try RowReader($0).value(0, as: String.self) }
    }

    func forEachRecord(collection: String, _ body: (String, CID) throws -> Void) throws {
        var after: String? = nil
        while true {
            var binds = didBinds
            binds.add(collection)
            var sql = "SELECT rkey, cid FROM records WHERE did = $1 AND collection = $2"
            if let after {
                binds.add(after)
                sql += " AND rkey > $3 COLLATE \"C\""
            }
            binds.add(Int64(PostgresMirrorStore.pageSize))
            sql += " ORDER BY rkey COLLATE \"C\" LIMIT $\(binds.values.count)"
            let rows = try statements.query(sql, binds.values)
            for row in rows {
                let reader = RowReader(row)
                let rkey = try reader.value(0, as: String.self)
                guard let cid = try PostgresStateStore.cid(reader.bytes(1), "record cid") else { continue }
                try body(rkey, cid)
                after = rkey
            }
            if rows.count < PostgresMirrorStore.pageSize { return }
        }
    }

    func storeNode(cid: CID, bytes: [UInt8]) throws {
        var binds = Binds()
        binds.add(bytes: cid.bytes)
        binds.add(bytes: bytes)
        pending.append(("INSERT INTO mirror_export_nodes (cid, bytes) VALUES ($1, $2)", binds.values))
        if pending.count >= 500 { try flush() }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        let sending = pending
        pending.removeAll(keepingCapacity: true)
        try statements.pipeline(sending)
    }

    func finishNodes() throws {
        try flush()
        try statements.execute("CREATE INDEX mirror_export_nodes_by_cid ON mirror_export_nodes (cid)")
        try statements.execute("ANALYZE mirror_export_nodes")
    }

    func node(_ cid: CID) throws -> [UInt8]? {
        var binds = Binds()
        binds.add(bytes: cid.bytes)
        return try statements.query("SELECT bytes FROM mirror_export_nodes WHERE cid = $1 LIMIT 1", binds.values).first
            .flatMap { try RowReader($0).bytes(0) }
    }

    func noteDuplicatedRecords() throws -> Bool {
        try !statements.query("""
            INSERT INTO mirror_export_duplicates (cid)
            SELECT cid FROM records WHERE did = $1 GROUP BY cid HAVING COUNT(*) > 1 RETURNING 1
            """, didBinds.values).isEmpty
    }

    func firstEmission(of cid: CID) throws -> Bool {
        var binds = Binds()
        binds.add(bytes: cid.bytes)
        if try !statements.query("UPDATE mirror_export_duplicates SET emitted = TRUE WHERE cid = $1 AND NOT emitted RETURNING 1",
                                 binds.values).isEmpty {
            return true
        }
        return try statements.query("SELECT 1 FROM mirror_export_duplicates WHERE cid = $1", binds.values).isEmpty
    }

    func recordBytes(collection: String, rkey: String) throws -> [UInt8]? {
        var binds = didBinds
        binds.add(collection)
        binds.add(rkey)
        return try statements.query("SELECT bytes FROM records WHERE did = $1 AND collection = $2 AND rkey = $3", binds.values).first
            .flatMap { try RowReader($0).bytes(0) }
    }
}
