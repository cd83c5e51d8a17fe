public import ATCrypto
import ATRepo
public import FirehoseSync
import IPLD
import PostgresNIO

/// The mirrors in a PostgreSQL database (``MirrorStorePort``), with the SQLite store's answers: the import and the
/// export are the shared ``RepositoryImport`` and ``RepositoryExport`` over this database's storage; the pipeline's
/// batches apply verified commits to the same tables. Text columns are compared and ordered `COLLATE "C"` (byte
/// order, as SQLite does).
public struct PostgresMirrorStore: MirrorStorePort {
    /// The database.
    let store: PostgresStateStore

    /// Rows read at a time where an answer may be large (blob references, an export's records).
    static let pageSize = 1_000

    @discardableResult
    public func register(did: String, filter: MirrorFilter) throws -> Bool {
        let now = WallClock.nowMicros()
        var binds = Binds()
        binds.add(did)
        binds.add(filter.encoded)
        binds.add(now)
        return try store.session.withConnection { statements in
            try !statements.query("""
                INSERT INTO mirrors (did, collections, added_at, updated_at) VALUES ($1, $2, $3, $3)
                ON CONFLICT (did) DO NOTHING RETURNING did
                """, binds.values).isEmpty
        }
    }

    @discardableResult
    public func remove(did: String) throws -> Bool {
        var binds = Binds()
        binds.add(did)
        return try store.session.transaction { statements in
            let existed = try !statements.query("DELETE FROM mirrors WHERE did = $1 RETURNING did", binds.values).isEmpty
            try statements.query("DELETE FROM records WHERE did = $1", binds.values)
            return existed
        }
    }

    static let infoColumns = """
        SELECT m.did, m.collections, m.rev, m.data, m.commit_cid, m.stale, m.added_at, m.updated_at,
            (SELECT COUNT(*) FROM records r WHERE r.did = m.did) FROM mirrors m
        """

    public func all() throws -> [MirrorInfo] {
        try store.session.withConnection { statements in
            try statements.query("\(Self.infoColumns) ORDER BY m.did COLLATE \"C\"").map { try Self.info(RowReader($0)) }
        }
    }

    public func mirror(did: String) throws -> MirrorInfo? {
        var binds = Binds()
        binds.add(did)
        return try store.session.withConnection { statements in
            try statements.query("\(Self.infoColumns) WHERE m.did = $1", binds.values).first.map { try Self.info(RowReader($0)) }
        }
    }

    public func filters() throws -> [String: MirrorFilter] {
        try store.session.withConnection { statements in
            var filters: [String: MirrorFilter] = [:]
            for row in try statements.query("SELECT did, collections FROM mirrors") {
                let reader = RowReader(row)
                filters[try reader.value(0, as: String.self)] = try Self.filter(reader.value(1, as: String.self))
            }
            return filters
        }
    }

    public func records(did: String, collection: String? = nil, after cursor: String? = nil,
                        limit: Int) throws -> [MirrorRecord] {
        var sql = "SELECT collection, rkey, cid, bytes FROM records WHERE did = $1"
        var binds = Binds()
        binds.add(did)
        if let collection {
            binds.add(collection)
            sql += " AND collection = $\(binds.values.count)"
        }
        if let cursor {
            guard let (afterCollection, afterRkey) = Self.splitCursor(cursor) else {
                throw FirehoseSyncError(.invalidRepository, "cursor \(cursor) is not COLLECTION/RKEY")
            }
            binds.add(afterCollection)
            let c = binds.values.count
            binds.add(afterRkey)
            sql += " AND (collection > $\(c) COLLATE \"C\" OR (collection = $\(c) AND rkey > $\(c + 1) COLLATE \"C\"))"
        }
        binds.add(Int64(max(0, limit)))
        sql += " ORDER BY collection COLLATE \"C\", rkey COLLATE \"C\" LIMIT $\(binds.values.count)"
        return try store.session.withConnection { statements in
            try statements.query(sql, binds.values).map { try Self.record(RowReader($0), did: did) }
        }
    }

    public func record(did: String, collection: String, rkey: String) throws -> MirrorRecord? {
        var binds = Binds()
        binds.add(did)
        binds.add(collection)
        binds.add(rkey)
        return try store.session.withConnection { statements in
            try statements.query("SELECT collection, rkey, cid, bytes FROM records WHERE did = $1 AND collection = $2 AND rkey = $3",
                                 binds.values).first.map { try Self.record(RowReader($0), did: did) }
        }
    }

    /// Reads the records a page at a time; only the references are kept.
    public func blobReferences(did: String) throws -> [BlobReference] {
        guard try mirror(did: did) != nil else { throw FirehoseSyncError(.mirrorNotFound, "\(did) is not mirrored") }
        var found: [BlobReference] = []
        var seen = Set<CID>()
        var cursor: String? = nil
        while true {
            let page = try records(did: did, after: cursor, limit: Self.pageSize)
            for record in page {
                for reference in BlobReference.all(inRecord: record.bytes) where seen.insert(reference.cid).inserted {
                    found.append(reference)
                }
            }
            guard page.count == Self.pageSize, let last = page.last else { return found }
            cursor = last.cursor
        }
    }

    /// The export runs in one transaction (one consistent view of the records); the rebuilt tree's nodes go to a
    /// temporary table dropped at its end.
    @discardableResult
    public func export(did: String, chunkSize: Int = 1 << 20, write: ([UInt8]) throws -> Void) throws -> Int {
        var binds = Binds()
        binds.add(did)
        return try store.session.transaction { statements in
            try statements.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            guard let row = try statements.query("SELECT collections, data, commit_cid, commit_bytes FROM mirrors WHERE did = $1",
                                                 binds.values).first.map(RowReader.init) else {
                throw FirehoseSyncError(.mirrorNotFound, "\(did) is not mirrored")
            }
            let filter = try Self.filter(row.value(0, as: String.self))
            let data = try PostgresStateStore.cid(row.bytes(1), "mirror data")
            let commitCID = try PostgresStateStore.cid(row.bytes(2), "mirror commit")
            let commitBytes = try row.bytes(3)
            let commit = commitCID.flatMap { cid in commitBytes.map { (cid: cid, bytes: $0) } }
            let storage = try PostgresMirrorExportStorage(did: did, statements: statements)
            return try RepositoryExport(did: did, storage: storage)
                .run(filter: filter, data: data, commit: commit, chunkSize: chunkSize, write: write)
        }
    }

    public func importRepository(did: String, blocks: some RepoBlockStream, key: PublicKey,
                                 filter: MirrorFilter? = nil) throws -> MirrorImportReport {
        try importRepository(did: did, blocks: blocks, checkingSignatureWith: key, filter: filter)
    }

    /// ``importRepository(did:blocks:key:filter:)`` with the signature check optional: nil skips it (tests only).
    package func importRepository(did: String, blocks: some RepoBlockStream, checkingSignatureWith key: PublicKey?,
                                  filter: MirrorFilter?) throws -> MirrorImportReport {
        var stream = blocks
        return try store.session.transaction { statements in
            let importer = RepositoryImport(did: did, verifier: RepositoryVerifier(did: did, key: key, acceptVersion2: true),
                                            storage: PostgresMirrorImportStorage(did: did, statements: statements))
            return try importer.run(&stream, filter: filter)
        }
    }

    static func info(_ row: RowReader) throws -> MirrorInfo {
        MirrorInfo(
            did: try row.value(0, as: String.self), filter: try filter(row.value(1, as: String.self)),
            rev: try row.value(2, as: String?.self), data: try PostgresStateStore.cid(row.bytes(3), "mirror data"),
            commit: try PostgresStateStore.cid(row.bytes(4), "mirror commit"), stale: try row.value(5, as: String?.self),
            addedAt: try row.value(6, as: Int64.self), updatedAt: try row.value(7, as: Int64.self),
            records: Int(try row.value(8, as: Int64.self)))
    }

    static func record(_ row: RowReader, did: String) throws -> MirrorRecord {
        guard let cid = try PostgresStateStore.cid(row.bytes(2), "record cid") else {
            throw PostgresStoreError(.corruptRow, "record without CID")
        }
        return MirrorRecord(did: did, collection: try row.value(0, as: String.self), rkey: try row.value(1, as: String.self),
                            cid: cid, bytes: try row.bytes(3) ?? [])
    }

    static func filter(_ encoded: String) throws -> MirrorFilter {
        do { return try MirrorFilter(encoded: encoded) } catch {
            throw PostgresStoreError(.corruptRow, "mirror collections \(encoded) are invalid: \(error)")
        }
    }
}

extension PostgresStateStore {
    /// The mirror store over this store's session.
    public var mirrors: PostgresMirrorStore { PostgresMirrorStore(store: self) }
}
