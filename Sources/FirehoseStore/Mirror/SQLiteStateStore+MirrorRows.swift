import FirehoseSync
import Foundation
import GRDB
import IPLD

/// Mirrored accounts : registration, listing and record queries.
extension SQLiteStateStore {

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
