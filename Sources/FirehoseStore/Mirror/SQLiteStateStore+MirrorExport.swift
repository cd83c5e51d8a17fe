import ATRepo
import FirehoseSync
import Foundation
import GRDB
import IPLD

/// Exporting a mirror as a repository CAR (`mirror export`).
extension SQLiteStateStore {
    /// Writes the mirror of `did` as a CAR v1 in the order of SPEC.md §6 (the stored commit block, then every
    /// tree node in pre-order with each record after the subtree before it), handing it to `write` in chunks.
    ///
    /// The tree is rebuilt from the stored records and must have the mirror's root, so the export re-imports to
    /// the same root and its signature still verifies. Throws `mirror-not-found`, `mirror-not-imported`,
    /// `mirror-filtered` (a filtered mirror is not a complete repository) or `mirror-inconsistent`.
    /// Returns the number of records written.
    @discardableResult
    public func exportMirror(did: String, chunkSize: Int = 1 << 20, write: ([UInt8]) throws -> Void) throws -> Int {
        try guarded {
            try pool.read { db in
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

                // Rebuild the tree from the stored records.
                var entries: [(key: [UInt8], value: CID)] = []
                var keyOfRecord: [CID: (collection: String, rkey: String)] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT collection, rkey, cid FROM records WHERE did = ?", arguments: [did])
                while let row = try rows.next() {
                    let collection: String = row["collection"]
                    let rkey: String = row["rkey"]
                    guard let cid = try SQLiteStateStore.cid(row["cid"], "record cid") else { continue }
                    entries.append((Array("\(collection)/\(rkey)".utf8), cid))
                    if keyOfRecord[cid] == nil { keyOfRecord[cid] = (collection, rkey) }
                }
                entries.sort { MSTKeyOrder.less($0.key, $1.key) }
                let tree: MST
                do {
                    tree = try MST(sorted: entries)
                } catch {
                    throw StoreError(.mirrorInconsistent, "the stored records do not form a tree: \(error)")
                }
                guard tree.rootCID == data else {
                    throw StoreError(.mirrorInconsistent,
                                     "the stored records rebuild to \(tree.rootCID), not the mirror root \(data); the mirror needs a resync")
                }

                // Stream the CAR.
                return try withoutActuallyEscaping(write) { write in
                var buffer = CARSink(chunkSize: chunkSize, write: write)
                try buffer.header(root: commitCID)
                try buffer.block(commitCID, commitBytes)
                let recordBytes = try db.cachedStatement(sql: "SELECT bytes FROM records WHERE did = ? AND collection = ? AND rkey = ?")
                var emitted = Set<CID>()
                var failure: (any Error)? = nil
                do {
                    try tree.preorder { (node: (cid: CID, bytes: [UInt8])?, record: CID?) throws(ATRepoError) in
                        guard failure == nil else { return }
                        do {
                            if let node { try buffer.block(node.cid, node.bytes) }
                            if let record, emitted.insert(record).inserted {
                                guard let key = keyOfRecord[record],
                                      let bytes = try Data.fetchOne(recordBytes, arguments: [did, key.collection, key.rkey]) else {
                                    throw StoreError(.mirrorInconsistent, "record \(record) is missing")
                                }
                                try buffer.block(record, [UInt8](bytes))
                            }
                        } catch {
                            failure = error
                        }
                    }
                } catch {
                    throw StoreError(.mirrorInconsistent, "\(error)")
                }
                if let failure { throw failure }
                try buffer.flush()
                return entries.count
                }
            }
        }
    }
}

/// Byte order of MST keys (SPEC.md §5): plain unsigned lexicographic.
enum MSTKeyOrder {
    static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }
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
