public import FirehoseSync
import Foundation
import GRDB
import IPLD

/// The blobs mirrored records refer to .
extension MirrorStore {
    /// Every blob referenced by the stored records of `did` (``BlobReference/all(inRecord:)``), each CID
    /// once, in record order. Records are read one at a time; only the references are kept. Throws
    /// `mirror-not-found` when `did` is not mirrored.
    public func blobReferences(did: String) throws -> [BlobReference] {
        try database.guarded {
            try database.pool.read { db in
                guard try Row.fetchOne(db, sql: "SELECT 1 FROM mirrors WHERE did = ?", arguments: [did]) != nil else {
                    throw FirehoseSyncError(.mirrorNotFound, "\(did) is not mirrored")
                }
                var found: [BlobReference] = []
                var seen = Set<CID>()
                let rows = try Row.fetchCursor(db, sql: "SELECT bytes FROM records WHERE did = ? ORDER BY collection, rkey",
                                               arguments: [did])
                while let row = try rows.next() {
                    let references = try row.withUnsafeData(atIndex: 0) { data in
                        data.map { BlobReference.all(inRecord: [UInt8]($0)) } ?? []
                    }
                    for reference in references where seen.insert(reference.cid).inserted { found.append(reference) }
                }
                return found
            }
        }
    }
}
