public import ATCrypto
import ATRepo
public import FirehoseSync
import Foundation
import GRDB
import IPLD

/// Importing a full repository into a mirror (`mirror import`, `mirror add`, resync: SPEC.md §7.5 steps 3–4).
extension SQLiteStateStore {
    /// Verifies the repository in `blocks` for `did` and makes it the mirror's content, in one transaction.
    ///
    /// Verified: every block's hash (by the stream), `roots[0]` is a commit block in the CAR, the commit's `did`
    /// is `did`, its signature verifies with `key`, every tree node is present and valid, the tree rebuilt from
    /// its entries has the root `data`, and every record is present. Extra blocks are tolerated and reported.
    /// The whole root is verified whatever `filter` says; the filter (default: the mirror's, else every
    /// collection) only decides which records are stored. Existing records are reconciled (created, updated,
    /// deleted), the mirror's head is set and its stale mark cleared, and the account's chain state is set to
    /// this commit unless the account already holds a newer synchronized state (the mirror is then stale).
    ///
    /// Blocks are streamed: record bytes are staged on disk, only tree nodes stay in memory.
    public func importMirror(did: String, blocks: some RepoBlockStream, key: PublicKey,
                             filter: MirrorFilter? = nil) throws -> MirrorImportReport {
        try importMirror(did: did, blocks: blocks, checkingSignatureWith: key, filter: filter)
    }

    /// ``importMirror(did:blocks:key:filter:)`` with the signature check optional: nil skips it. Tests only (for
    /// repository vectors published without their key).
    func importMirror(did: String, blocks: some RepoBlockStream, checkingSignatureWith key: PublicKey?,
                      filter: MirrorFilter?) throws -> MirrorImportReport {
        var stream = blocks
        return try guarded {
            try pool.write { db in
                var importer = MirrorImporter(did: did, key: key, db: db)
                return try importer.run(&stream, filter: filter)
            }
        }
    }
}

/// One import, inside a write transaction.
struct MirrorImporter {
    let did: String
    let key: PublicKey?
    let db: Database

    init(did: String, key: PublicKey?, db: Database) {
        self.did = did
        self.key = key
        self.db = db
    }

    /// Imports the stream. `updateAccount: false` leaves the account row alone (a resync inside a pipeline batch,
    /// which writes the account state itself).
    mutating func run(_ stream: inout some RepoBlockStream, filter requested: MirrorFilter?,
                      updateAccount: Bool = true) throws -> MirrorImportReport {
        let existing = try Row.fetchOne(db, sql: "SELECT collections FROM mirrors WHERE did = ?", arguments: [did])
        let filter = try requested ?? existing.map { try SQLiteStateStore.filter($0["collections"]) } ?? .all
        guard let commitCID = stream.roots.first else { throw StoreError(.malformedCAR, "the CAR has no roots") }
        try db.execute(sql: """
            CREATE TEMP TABLE mirror_staging (cid BLOB PRIMARY KEY NOT NULL, bytes BLOB NOT NULL) WITHOUT ROWID;
            CREATE TEMP TABLE mirror_entries (
                collection TEXT NOT NULL, rkey TEXT NOT NULL, cid BLOB NOT NULL, kept INTEGER NOT NULL,
                PRIMARY KEY (collection, rkey)) WITHOUT ROWID;
            CREATE INDEX temp.mirror_entries_by_cid ON mirror_entries (cid);
            """)
        defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.mirror_staging; DROP TABLE IF EXISTS temp.mirror_entries") }

        // 1. Stream the blocks: tree nodes (and anything shaped like one) in memory, the rest staged on disk.
        let stage = try db.cachedStatement(sql: "INSERT OR IGNORE INTO temp.mirror_staging (cid, bytes) VALUES (?, ?)")
        var nodes: [CID: [UInt8]] = [:]
        var commitBytes: [UInt8]? = nil
        var blockCount = 0
        while let block = try Self.next(&stream) {
            blockCount += 1
            if block.cid == commitCID {
                commitBytes = block.bytes
            } else if Self.looksLikeNode(block.bytes) {
                nodes[block.cid] = block.bytes
            } else {
                try stage.execute(arguments: [Data(block.cid.bytes), Data(block.bytes)])
            }
        }
        guard let commitBytes else {
            throw StoreError(.carRootMismatch, "the commit block \(commitCID) is not in the CAR")
        }

        // 2. The commit: shape, DID, signature.
        let commit: Commit
        do {
            commit = try Commit(block: commitBytes, cid: commitCID, acceptVersion2: true)
        } catch {
            throw StoreError(.invalidCommit, error.reason)
        }
        guard commit.did == did else {
            throw StoreError(.didMismatch, "the commit is by \(commit.did), not \(did)")
        }
        if let key {
            let check = key.verify(signature: commit.signature, message: commit.unsignedBytes)
            guard check.isValid else {
                throw StoreError(.badSignature, "the commit signature does not verify with \(key.didKey): \(check)")
            }
        }

        // 3. The whole tree and every record (ATRepo.Repository).
        let lookup = try db.cachedStatement(sql: "SELECT bytes FROM temp.mirror_staging WHERE cid = ?")
        let source = StagedBlocks(commit: (commitCID, commitBytes), nodes: nodes, lookup: lookup)
        let repository: Repository
        do {
            repository = try Repository(commit: commitCID, blocks: source, acceptVersion2: true)
        } catch {
            throw Self.storeError(error)
        }
        if let failure = source.failure.error { throw failure }

        // 4. Entries: every (collection, rkey, cid) with whether the filter keeps it.
        let entry = try db.cachedStatement(sql: "INSERT INTO temp.mirror_entries (collection, rkey, cid, kept) VALUES (?, ?, ?, ?)")
        var failure: (any Error)? = nil
        var recordsInNodes = Set<CID>()
        var kept = 0
        do {
            _ = try repository.tree.forEach { (key: [UInt8], value: CID) throws(ATRepoError) -> Bool in
                guard let slash = key.firstIndex(of: UInt8(ascii: "/")), slash > 0, slash < key.count - 1 else {
                    throw ATRepoError(.invalidRepository, "key \(String(decoding: key, as: UTF8.self)) is not collection/rkey")
                }
                let collection = String(decoding: key[..<slash], as: UTF8.self)
                let rkey = String(decoding: key[(slash + 1)...], as: UTF8.self)
                let keep = filter.matches(collection)
                if keep { kept += 1 }
                do {
                    try entry.execute(arguments: [collection, rkey, Data(value.bytes), keep])
                    if let bytes = nodes[value], recordsInNodes.insert(value).inserted {
                        try stage.execute(arguments: [Data(value.bytes), Data(bytes)])
                    }
                } catch {
                    failure = error
                    return false
                }
                return true
            }
        } catch {
            throw Self.storeError(error)
        }
        if let failure { throw failure }

        // 5. Extra blocks: staged blocks no entry references, node-shaped blocks that are neither nodes nor records.
        var treeNodes = Set<CID>()
        do {
            try repository.tree.preorder { (node: (cid: CID, bytes: [UInt8])?, _: CID?) throws(ATRepoError) in
                if let node { treeNodes.insert(node.cid) }
            }
        } catch {
            throw Self.storeError(error)
        }
        var extras = nodes.keys.filter { !treeNodes.contains($0) && !recordsInNodes.contains($0) }.sorted()
        var extraCount = extras.count
        extraCount += try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM temp.mirror_staging s WHERE NOT EXISTS (SELECT 1 FROM temp.mirror_entries e WHERE e.cid = s.cid)
            """) ?? 0
        for data in try Data.fetchAll(db, sql: """
            SELECT s.cid FROM temp.mirror_staging s
            WHERE NOT EXISTS (SELECT 1 FROM temp.mirror_entries e WHERE e.cid = s.cid) LIMIT 20
            """) {
            if let cid = try SQLiteStateStore.cid(data, "staged block") { extras.append(cid) }
        }

        // 6. Reconcile the stored records.
        let created = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM temp.mirror_entries e WHERE e.kept = 1 AND NOT EXISTS (
                SELECT 1 FROM records r WHERE r.did = ? AND r.collection = e.collection AND r.rkey = e.rkey)
            """, arguments: [did]) ?? 0
        let updated = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM temp.mirror_entries e
            JOIN records r ON r.did = ? AND r.collection = e.collection AND r.rkey = e.rkey
            WHERE e.kept = 1 AND r.cid != e.cid
            """, arguments: [did]) ?? 0
        try db.execute(sql: """
            DELETE FROM records WHERE did = ? AND NOT EXISTS (
                SELECT 1 FROM temp.mirror_entries e WHERE e.kept = 1 AND e.collection = records.collection AND e.rkey = records.rkey)
            """, arguments: [did])
        let deleted = db.changesCount
        try db.execute(sql: """
            INSERT INTO records (did, collection, rkey, cid, bytes)
            SELECT ?, e.collection, e.rkey, e.cid, s.bytes FROM temp.mirror_entries e JOIN temp.mirror_staging s ON s.cid = e.cid
            WHERE e.kept = 1
            ON CONFLICT(did, collection, rkey) DO UPDATE SET cid = excluded.cid, bytes = excluded.bytes WHERE records.cid != excluded.cid
            """, arguments: [did])

        // 7. The account's chain state (SPEC.md §7.5 step 4) and the mirror's head.
        let now = Clock.nowMicros()
        var stale: String? = nil
        var accountUpdated = false
        let account = try Row.fetchOne(db, sql: "SELECT rev, data, sync_state FROM accounts WHERE did = ?", arguments: [did])
        let storedRev: String? = account?["rev"]
        let storedSync = SyncStateCode.decode(account?["sync_state"] ?? 0)
        if !updateAccount {
            // The caller (a pipeline batch) writes the account state.
        } else if let storedRev, storedSync == .synchronized, let rev = commit.rev, storedRev > rev {
            stale = "the imported repository (rev \(rev)) is older than the verified account state (rev \(storedRev))"
        } else {
            try db.execute(sql: """
                INSERT INTO accounts (did, rev, data, commit_cid, sync_state) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(did) DO UPDATE SET rev = excluded.rev, data = excluded.data, commit_cid = excluded.commit_cid,
                    sync_state = excluded.sync_state
                """, arguments: [did, commit.rev, Data(commit.data.bytes), Data(commitCID.bytes), SyncStateCode.encode(.synchronized)])
            accountUpdated = true
        }
        try db.execute(sql: """
            INSERT INTO mirrors (did, collections, data, commit_cid, commit_bytes, rev, stale, added_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(did) DO UPDATE SET collections = excluded.collections, data = excluded.data,
                commit_cid = excluded.commit_cid, commit_bytes = excluded.commit_bytes, rev = excluded.rev,
                stale = excluded.stale, updated_at = excluded.updated_at
            """, arguments: [did, filter.encoded, Data(commit.data.bytes), Data(commitCID.bytes), Data(commitBytes),
                             commit.rev, stale, now, now])

        return MirrorImportReport(
            did: did, version: commit.version, rev: commit.rev, data: commit.data, commit: commitCID,
            signatureChecked: key != nil, filter: filter, records: repository.recordCount, kept: kept,
            created: created, updated: updated, deleted: deleted, blocks: blockCount, extraBlocks: extraCount,
            extraBlockSample: Array(extras.prefix(20)), accountUpdated: accountUpdated, stale: stale)
    }

    /// The next block, with stream errors mapped to store codes.
    static func next(_ stream: inout some RepoBlockStream) throws -> (cid: CID, bytes: [UInt8])? {
        do {
            return try stream.nextBlock()
        } catch let error as IPLDError {
            if error.code == .blockHashMismatch { throw StoreError(.blockCIDMismatch, error.reason) }
            throw StoreError(.malformedCAR, error.offset.map { "\(error.reason) (at byte \($0))" } ?? error.reason)
        }
    }

    /// True for blocks that may be MST nodes: every node is a two-entry map whose first key is `e`.
    static func looksLikeNode(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 7 && bytes[0] == 0xa2 && bytes[1] == 0x61 && bytes[2] == 0x65
    }

    static func storeError(_ error: ATRepoError) -> StoreError {
        let reason = error.cid.map { "\(error.reason) (\($0))" } ?? error.reason
        switch error.code {
        case .malformedMST, .invalidKey: return StoreError(.malformedMST, reason)
        case .missingProofBlock: return StoreError(.missingProofBlock, reason)
        case .missingRecordBlock: return StoreError(.missingRecordBlock, reason)
        case .invalidCommit: return StoreError(.invalidCommit, reason)
        default: return StoreError(.invalidRepository, reason)
        }
    }
}

/// The commit and tree nodes from memory, everything else from the staging table.
struct StagedBlocks: BlockSource {
    /// Where a SQLite failure during a lookup is kept (the protocol cannot throw).
    final class Failure { var error: (any Error)? }

    let commit: (cid: CID, bytes: [UInt8])
    let nodes: [CID: [UInt8]]
    let lookup: Statement
    let failure = Failure()

    func block(for cid: CID) -> [UInt8]? {
        if cid == commit.cid { return commit.bytes }
        if let node = nodes[cid] { return node }
        do {
            return try Data.fetchOne(lookup, arguments: [Data(cid.bytes)]).map { [UInt8]($0) }
        } catch {
            failure.error = error
            return nil
        }
    }
}
