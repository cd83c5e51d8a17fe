public import FirehoseSync
import Foundation
import GRDB
import IPLD

/// The mirrors in the database: registering and removing them, reading their records, finding the blobs they
/// refer to, exporting and importing repositories. Shares the store's pool; the pipeline's batches apply verified
/// commits to them.
public struct MirrorStore: MirrorStorePort {
    /// The database.
    let database: SQLiteStateStore

    /// Registers a mirror of `did` keeping `filter`'s collections, with no head until an import (or a commit
    /// that starts the repository). Returns false, changing nothing, when the DID is already mirrored.
    @discardableResult
    public func register(did: String, filter: MirrorFilter) throws -> Bool {
        try database.guarded {
            try database.pool.write { db in
                let now = WallClock.nowMicros()
                try db.execute(sql: """
                    INSERT INTO mirrors (did, collections, added_at, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(did) DO NOTHING
                    """, arguments: [did, filter.encoded, now, now])
                return db.changesCount > 0
            }
        }
    }

    /// Removes the mirror of `did` and its records. Returns false when there was none.
    @discardableResult
    public func remove(did: String) throws -> Bool {
        try database.guarded {
            try database.pool.write { db in
                try db.execute(sql: "DELETE FROM mirrors WHERE did = ?", arguments: [did])
                let existed = db.changesCount > 0
                try db.execute(sql: "DELETE FROM records WHERE did = ?", arguments: [did])
                return existed
            }
        }
    }

    /// Every mirror, by DID.
    public func all() throws -> [MirrorInfo] {
        try database.guarded {
            try database.pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT m.*, (SELECT COUNT(*) FROM records r WHERE r.did = m.did) AS n_records
                    FROM mirrors m ORDER BY m.did
                    """).map(SQLiteStateStore.mirrorInfo(from:))
            }
        }
    }

    /// The mirror of `did`, when there is one.
    public func mirror(did: String) throws -> MirrorInfo? {
        try database.guarded {
            try database.pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT m.*, (SELECT COUNT(*) FROM records r WHERE r.did = m.did) AS n_records
                    FROM mirrors m WHERE m.did = ?
                    """, arguments: [did]).map(SQLiteStateStore.mirrorInfo(from:))
            }
        }
    }

    /// The collection filter of every mirror: what a pipeline needs to turn verified commits into mirror updates.
    public func filters() throws -> [String: MirrorFilter] {
        try database.guarded {
            try database.pool.read { db in
                var filters: [String: MirrorFilter] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT did, collections FROM mirrors") {
                    filters[row["did"]] = try SQLiteStateStore.filter(row["collections"])
                }
                return filters
            }
        }
    }

    /// Up to `limit` records of `did` in (collection, rkey) order, after `cursor` (`COLLECTION/RKEY`, as
    /// ``MirrorRecord/cursor`` gives), optionally of one collection only.
    public func records(did: String, collection: String? = nil, after cursor: String? = nil,
                        limit: Int) throws -> [MirrorRecord] {
        var sql = "SELECT collection, rkey, cid, bytes FROM records WHERE did = ?"
        var arguments: StatementArguments = [did]
        if let collection {
            sql += " AND collection = ?"
            _ = arguments.append(contentsOf: [collection])
        }
        if let cursor {
            guard let slash = cursor.firstIndex(of: "/") else {
                throw FirehoseSyncError(.invalidRepository, "cursor \(cursor) is not COLLECTION/RKEY")
            }
            let afterCollection = String(cursor[..<slash])
            let afterRkey = String(cursor[cursor.index(after: slash)...])
            sql += " AND (collection > ? OR (collection = ? AND rkey > ?))"
            _ = arguments.append(contentsOf: [afterCollection, afterCollection, afterRkey])
        }
        sql += " ORDER BY collection, rkey LIMIT ?"
        _ = arguments.append(contentsOf: [max(0, limit)])
        return try database.guarded {
            try database.pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    try SQLiteStateStore.record(from: row, did: did)
                }
            }
        }
    }

    /// One mirrored record, or nil when it is not stored.
    public func record(did: String, collection: String, rkey: String) throws -> MirrorRecord? {
        try database.guarded {
            try database.pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT collection, rkey, cid, bytes FROM records WHERE did = ? AND collection = ? AND rkey = ?
                    """, arguments: [did, collection, rkey]).map { try SQLiteStateStore.record(from: $0, did: did) }
            }
        }
    }
}

extension SQLiteStateStore {
    /// The mirror store over this store's pool.
    public var mirrors: MirrorStore { MirrorStore(database: self) }
}
