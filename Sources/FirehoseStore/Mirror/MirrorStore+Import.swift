public import ATCrypto
import ATRepo
public import FirehoseSync
import Foundation
import GRDB
import IPLD

/// Importing a full repository into a mirror (`mirror import`, `mirror add`, resync: Docs/SPEC.md §7.5 steps 3–4).
extension MirrorStore {
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
    /// Blocks are streamed: they are staged on disk as they arrive and the tree is walked from there, so memory
    /// does not grow with the repository.
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
                var importer = MirrorImporter(did: did, verifier: RepositoryVerifier(did: did, key: key, acceptVersion2: true), db: db)
                return try importer.run(&stream, filter: filter)
            }
        }
    }
}

/// One import, inside a write transaction.
///
/// Memory stays bounded whatever the repository's size (Docs/SPEC.md §6: blocks come in any order): every block
/// is appended to a temporary table as it streams in (the commit block alone is kept in memory), the table
/// is then indexed by CID in one sort, and the tree is walked and rebuilt from it node by node
/// by the caller's ``RepositoryVerifier``, each record going straight into
/// `records`. Which staged blocks were used is one bit per block; unused ones are the extras.
struct MirrorImporter {
    let did: String
    let verifier: RepositoryVerifier
    let db: Database

    /// An import of `did`'s repository, checked by `verifier` (which expects the same account) as it is walked.
    init(did: String, verifier: RepositoryVerifier, db: Database) {
        self.did = did
        self.verifier = verifier
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
            DROP TABLE IF EXISTS temp.mirror_blocks; DROP TABLE IF EXISTS temp.mirror_seen;
            CREATE TEMP TABLE mirror_blocks (id INTEGER PRIMARY KEY, cid BLOB NOT NULL, bytes BLOB NOT NULL);
            """)
        defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.mirror_blocks; DROP TABLE IF EXISTS temp.mirror_seen") }

        // 1. Stream the blocks to disk in arrival order (appends only), keeping the commit block in memory.
        let stage = try db.cachedStatement(sql: "INSERT INTO temp.mirror_blocks (id, cid, bytes) VALUES (?, ?, ?)")
        var commitBytes: [UInt8]? = nil
        var blockCount = 0
        var staged = 0
        while let block = try Self.next(&stream) {
            blockCount += 1
            if block.cid == commitCID {
                if commitBytes == nil { commitBytes = block.bytes }
                continue
            }
            try stage.execute(arguments: [staged, Data(block.cid.bytes), Data(block.bytes)])
            staged += 1
        }
        guard let commitBytes else {
            throw StoreError(.carRootMismatch, "the commit block \(commitCID) is not in the CAR")
        }

        // 3. Index the staged blocks by CID in one sort (cheaper than a random insert per block).
        try db.execute(sql: "CREATE INDEX temp.mirror_blocks_by_cid ON mirror_blocks (cid)")

        // 4. Verify the commit and walk and rebuild the tree (the caller's verifier); store each kept record as it
        // is reached (key order).
        let fresh = try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM records WHERE did = ?)", arguments: [did]) ?? false)
        if !fresh {
            try db.execute(sql: """
                CREATE TEMP TABLE mirror_seen (collection TEXT NOT NULL, rkey TEXT NOT NULL, PRIMARY KEY (collection, rkey)) WITHOUT ROWID
                """)
        }
        let insert = try db.cachedStatement(sql: "INSERT INTO records (did, collection, rkey, cid, bytes) VALUES (?, ?, ?, ?, ?)")
        let current = fresh ? nil : try db.cachedStatement(sql: "SELECT cid FROM records WHERE did = ? AND collection = ? AND rkey = ?")
        let update = fresh ? nil : try db.cachedStatement(sql: "UPDATE records SET cid = ?, bytes = ? WHERE did = ? AND collection = ? AND rkey = ?")
        let seen = fresh ? nil : try db.cachedStatement(sql: "INSERT INTO temp.mirror_seen (collection, rkey) VALUES (?, ?)")
        let source = try StagedBlocks(commit: (commitCID, commitBytes), staged: staged, db: db)
        var kept = 0
        var created = 0
        var updated = 0
        let repository: VerifiedRepository
        do {
            repository = try verifier.verify(root: commitCID, blocks: source) { key, cid, bytes in
                guard let slash = key.firstIndex(of: UInt8(ascii: "/")), slash > 0, slash < key.count - 1 else {
                    throw ATRepoError(.invalidRepository, "key \(String(decoding: key, as: UTF8.self)) is not collection/rkey")
                }
                let collection = String(decoding: key[..<slash], as: UTF8.self)
                guard filter.matches(collection) else { return }
                kept += 1
                let rkey = String(decoding: key[(slash + 1)...], as: UTF8.self)
                let cidData = Data(cid.bytes)
                if let current, let update, let seen {
                    try seen.execute(arguments: [collection, rkey])
                    if let stored = try Data.fetchOne(current, arguments: [did, collection, rkey]) {
                        if stored != cidData {
                            try update.execute(arguments: [cidData, Data(bytes), did, collection, rkey])
                            updated += 1
                        }
                        return
                    }
                }
                try insert.execute(arguments: [did, collection, rkey, cidData, Data(bytes)])
                created += 1
            }
        } catch let error as ATRepoError {
            if let failure = source.state.failure { throw failure }
            throw Self.storeError(error)
        }
        if let failure = source.state.failure { throw failure }
        let commit = repository.commit

        // 5. Records no longer in the repository (or no longer kept).
        var deleted = 0
        if !fresh {
            try db.execute(sql: """
                DELETE FROM records WHERE did = ? AND NOT EXISTS (
                    SELECT 1 FROM temp.mirror_seen s WHERE s.collection = records.collection AND s.rkey = records.rkey)
                """, arguments: [did])
            deleted = db.changesCount
        }

        // 6. Extra blocks: staged blocks never read, each distinct CID once (a duplicate of a used block is not
        // an extra: the walk reads the lowest id of a CID).
        let (extraCount, extras) = try source.extras()

        // 7. The account's chain state (Docs/SPEC.md §7.5 step 4) and the mirror's head.
        let now = WallClock.nowMicros()
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
            signatureChecked: repository.signatureChecked, filter: filter, records: repository.recordCount, kept: kept,
            created: created, updated: updated, deleted: deleted, blocks: blockCount, extraBlocks: extraCount,
            extraBlockSample: extras, accountUpdated: accountUpdated, stale: stale)
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

    static func storeError(_ error: ATRepoError) -> StoreError {
        let reason = error.cid.map { "\(error.reason) (\($0))" } ?? error.reason
        switch error.code {
        case .carRootMismatch: return StoreError(.carRootMismatch, error.reason)
        case .invalidCommit: return StoreError(.invalidCommit, error.reason)
        case .fieldMismatch: return StoreError(.didMismatch, error.reason)
        case .badSignature: return StoreError(.badSignature, error.reason)
        case .malformedMST, .invalidKey: return StoreError(.malformedMST, reason)
        case .missingProofBlock: return StoreError(.missingProofBlock, reason)
        case .missingRecordBlock: return StoreError(.missingRecordBlock, reason)
        default: return StoreError(.invalidRepository, reason)
        }
    }
}

/// The commit from memory, everything else from the staging table; records which staged blocks were read.
struct StagedBlocks: BlockSource {
    /// What lookups leave behind (the protocol's lookup cannot throw or mutate).
    final class State {
        /// One bit per staged block id: set once the block was read.
        var used: [UInt64]
        /// A SQLite failure during a lookup.
        var failure: (any Error)? = nil

        init(count: Int) { used = Array(repeating: 0, count: (count + 63) / 64) }

        func mark(_ id: Int) { used[id >> 6] |= 1 << UInt64(id & 63) }
        func isUsed(_ id: Int) -> Bool { used[id >> 6] & (1 << UInt64(id & 63)) != 0 }
    }

    let commit: (cid: CID, bytes: [UInt8])
    let staged: Int
    let db: Database
    let lookup: Statement
    let state: State

    init(commit: (cid: CID, bytes: [UInt8]), staged: Int, db: Database) throws {
        self.commit = commit
        self.staged = staged
        self.db = db
        self.lookup = try db.cachedStatement(sql: "SELECT id, bytes FROM temp.mirror_blocks WHERE cid = ? ORDER BY id LIMIT 1")
        self.state = State(count: staged)
    }

    func block(for cid: CID) -> [UInt8]? {
        if cid == commit.cid { return commit.bytes }
        do {
            guard let row = try Row.fetchOne(lookup, arguments: [Data(cid.bytes)]) else { return nil }
            let id: Int = row[0]
            state.mark(id)
            return try row.withUnsafeData(atIndex: 1) { data in data.map { [UInt8]($0) } ?? [] }
        } catch {
            state.failure = error
            return nil
        }
    }

    /// The number of distinct staged CIDs never read, and the first 20 of them.
    func extras() throws -> (count: Int, sample: [CID]) {
        let cidOf = try db.cachedStatement(sql: "SELECT cid FROM temp.mirror_blocks WHERE id = ?")
        let firstOf = try db.cachedStatement(sql: "SELECT MIN(id) FROM temp.mirror_blocks WHERE cid = ?")
        var count = 0
        var sample: [CID] = []
        for id in 0..<staged where !state.isUsed(id) {
            guard let data = try Data.fetchOne(cidOf, arguments: [id]) else { continue }
            guard try Int.fetchOne(firstOf, arguments: [data]) == id else { continue }
            count += 1
            if sample.count < 20, let cid = try SQLiteStateStore.cid(data, "staged block") { sample.append(cid) }
        }
        return (count, sample)
    }
}
