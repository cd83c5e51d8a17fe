import ATRepo
import FirehoseSync
import Foundation
import GRDB
import IPLD

/// Live application of verified commits to mirrors, inside the batch transaction (Docs/CONTRACT.md §3 step 10).
extension SQLiteStateStore {
    /// Applies `updates` in order. A commit is applied only on top of the root it was made from (`prevData`
    /// equals the mirror's root, or it starts a repository on a mirror without a head); a commit the mirror
    /// already includes (rev not after the mirror's) is skipped; anything else, and every explicit stale
    /// mark, makes the mirror stale. Stale mirrors receive nothing until a re-import or a ``MirrorUpdate/replace``
    /// (a resync), which rebuilds the mirror from the verified repository (in a savepoint: a repository the
    /// importer refuses leaves the records as they were and marks the mirror stale with the reason).
    static func writeMirrorUpdates(_ updates: [MirrorUpdate], db: Database) throws {
        guard !updates.isEmpty else { return }
        let head = try db.cachedStatement(sql: "SELECT data, rev, stale FROM mirrors WHERE did = ?")
        let put = try db.cachedStatement(sql: """
            INSERT INTO records (did, collection, rkey, cid, bytes) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(did, collection, rkey) DO UPDATE SET cid = excluded.cid, bytes = excluded.bytes
            """)
        let delete = try db.cachedStatement(sql: "DELETE FROM records WHERE did = ? AND collection = ? AND rkey = ?")
        let advance = try db.cachedStatement(sql: """
            UPDATE mirrors SET data = ?, commit_cid = ?, commit_bytes = ?, rev = ?, updated_at = ? WHERE did = ?
            """)
        let now = WallClock.nowMicros()
        for update in updates {
            guard let row = try Row.fetchOne(head, arguments: [update.did]) else { continue }
            if case .replace(let repository) = update {
                try replaceMirror(with: repository, db: db, now: now)
                continue
            }
            let alreadyStale: String? = row["stale"]
            guard alreadyStale == nil else { continue }
            switch update {
            case .replace:
                continue  // handled above
            case .stale(let did, let reason, let unlessRoot, let unlessRevAtLeast):
                if let unlessRoot, try cid(row["data"], "mirror data") == unlessRoot { continue }
                if let unlessRevAtLeast, let rev: String = row["rev"], rev >= unlessRevAtLeast { continue }
                try markStale(did: did, reason: reason, db: db, now: now)
            case .commit(let commit):
                let root = try cid(row["data"], "mirror data")
                let rev: String? = row["rev"]
                if let rev, commit.rev <= rev { continue }
                let fits = (root != nil && root == commit.prevData)
                    || (commit.startsRepository && (root == nil || root == MirrorCommit.emptyTreeCID))
                guard fits else {
                    let reason = root == nil
                        ? "rev \(commit.rev) continues a repository this mirror has not imported"
                        : "rev \(commit.rev) has prevData \(commit.prevData?.string ?? "null"), not the mirror root \(root?.string ?? "-")"
                    try markStale(did: commit.did, reason: reason, db: db, now: now)
                    continue
                }
                for change in commit.changes {
                    switch change.kind {
                    case .put(let cid, let bytes):
                        try put.execute(arguments: [change.did, change.collection, change.rkey, Data(cid.bytes), Data(bytes)])
                    case .delete:
                        try delete.execute(arguments: [change.did, change.collection, change.rkey])
                    }
                }
                try advance.execute(arguments: [
                    Data(commit.data.bytes), Data(commit.commit.bytes), Data(commit.commitBytes), commit.rev, now, commit.did,
                ])
            }
        }
    }

    /// Rebuilds a mirror from a verified repository inside the batch transaction, leaving the account row to
    /// the batch (which holds the resync's new base and anything applied after it).
    static func replaceMirror(with repository: ResyncRepository, db: Database, now: Int64) throws {
        var failure: (any Error)? = nil
        try db.inSavepoint {
            do {
                try RepositoryImport.rebuildMirror(from: repository, storage: SQLiteMirrorImportStorage(did: repository.did, db: db))
                return .commit
            } catch let error as FirehoseSyncError {
                failure = error
                return .rollback
            } catch let error as StoreError where error.code != .sqlite {
                failure = error
                return .rollback
            } catch let error as IPLDError {
                failure = FirehoseSyncError(.malformedCAR, error.reason)
                return .rollback
            }
        }
        if let failure {
            try markStale(did: repository.did, reason: "resync repository rev \(repository.rev) refused: \(failure)", db: db, now: now)
        }
    }

    static func markStale(did: String, reason: String, db: Database, now: Int64) throws {
        try db.execute(sql: "UPDATE mirrors SET stale = ?, updated_at = ? WHERE did = ?", arguments: [reason, now, did])
    }
}
