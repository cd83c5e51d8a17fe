public import FirehoseSync
import Foundation
import GRDB
import IPLD

/// Mirrored accounts: registration, listing and record queries.
extension SQLiteStateStore {
    /// Registers a mirror of `did` keeping `filter`'s collections, with no head until an import (or a commit
    /// that starts the repository). Returns false, changing nothing, when the DID is already mirrored.
    @discardableResult
    public func registerMirror(did: String, filter: MirrorFilter) throws -> Bool {
        try guarded {
            try pool.write { db in
                let now = Clock.nowMicros()
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
    public func removeMirror(did: String) throws -> Bool {
        try guarded {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM mirrors WHERE did = ?", arguments: [did])
                let existed = db.changesCount > 0
                try db.execute(sql: "DELETE FROM records WHERE did = ?", arguments: [did])
                return existed
            }
        }
    }

    /// Every mirror, by DID.
    public func mirrors() throws -> [MirrorInfo] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT m.*, (SELECT COUNT(*) FROM records r WHERE r.did = m.did) AS n_records
                    FROM mirrors m ORDER BY m.did
                    """).map(SQLiteStateStore.mirrorInfo(from:))
            }
        }
    }

    /// The mirror of `did`, when there is one.
    public func mirror(did: String) throws -> MirrorInfo? {
        try guarded {
            try pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT m.*, (SELECT COUNT(*) FROM records r WHERE r.did = m.did) AS n_records
                    FROM mirrors m WHERE m.did = ?
                    """, arguments: [did]).map(SQLiteStateStore.mirrorInfo(from:))
            }
        }
    }

    /// The collection filter of every mirror: what a pipeline needs to turn verified commits into mirror updates.
    public func mirrorFilters() throws -> [String: MirrorFilter] {
        try guarded {
            try pool.read { db in
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
    public func mirrorRecords(did: String, collection: String? = nil, after cursor: String? = nil,
                              limit: Int) throws -> [MirrorRecord] {
        var sql = "SELECT collection, rkey, cid, bytes FROM records WHERE did = ?"
        var arguments: StatementArguments = [did]
        if let collection {
            sql += " AND collection = ?"
            _ = arguments.append(contentsOf: [collection])
        }
        if let cursor {
            guard let slash = cursor.firstIndex(of: "/") else {
                throw StoreError(.invalidRepository, "cursor \(cursor) is not COLLECTION/RKEY")
            }
            let afterCollection = String(cursor[..<slash])
            let afterRkey = String(cursor[cursor.index(after: slash)...])
            sql += " AND (collection > ? OR (collection = ? AND rkey > ?))"
            _ = arguments.append(contentsOf: [afterCollection, afterCollection, afterRkey])
        }
        sql += " ORDER BY collection, rkey LIMIT ?"
        _ = arguments.append(contentsOf: [max(0, limit)])
        return try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    try SQLiteStateStore.record(from: row, did: did)
                }
            }
        }
    }

    /// One mirrored record, or nil when it is not stored.
    public func mirrorRecord(did: String, collection: String, rkey: String) throws -> MirrorRecord? {
        try guarded {
            try pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT collection, rkey, cid, bytes FROM records WHERE did = ? AND collection = ? AND rkey = ?
                    """, arguments: [did, collection, rkey]).map { try SQLiteStateStore.record(from: $0, did: did) }
            }
        }
    }

    // MARK: - Rows

    static func cid(_ data: Data?, _ what: String) throws -> CID? {
        guard let data else { return nil }
        do { return try CID(bytes: [UInt8](data)) } catch {
            throw StoreError(.corruptRow, "\(what) holds an invalid CID")
        }
    }

    static func filter(_ encoded: String) throws -> MirrorFilter {
        do { return try MirrorFilter(encoded: encoded) } catch {
            throw StoreError(.corruptRow, "mirror collections \(encoded) are invalid: \(error)")
        }
    }

    static func mirrorInfo(from row: Row) throws -> MirrorInfo {
        MirrorInfo(
            did: row["did"], filter: try filter(row["collections"]), rev: row["rev"],
            data: try cid(row["data"], "mirror data"), commit: try cid(row["commit_cid"], "mirror commit"),
            stale: row["stale"], addedAt: row["added_at"], updatedAt: row["updated_at"], records: row["n_records"])
    }

    static func record(from row: Row, did: String) throws -> MirrorRecord {
        let bytes: Data = row["bytes"]
        guard let cid = try cid(row["cid"], "record cid") else { throw StoreError(.corruptRow, "record without CID") }
        return MirrorRecord(did: did, collection: row["collection"], rkey: row["rkey"], cid: cid, bytes: [UInt8](bytes))
    }
}
