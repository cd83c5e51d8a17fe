import ATRepo
import FirehoseSync
import IPLD
import PostgresNIO

/// Live application of verified commits to mirrors inside the batch transaction, with the SQLite store's rules
/// (Docs/CONTRACT.md §3 step 10): a commit applies only on top of the root it was made from (or starts a
/// repository on a mirror without a head), a commit the mirror already includes is skipped, anything else and
/// every explicit stale mark makes the mirror stale.
///
/// A ``MirrorUpdate/replace`` (a resync's full repository) rebuilds the mirror with the shared
/// ``RepositoryImport`` in a savepoint: a repository the importer refuses leaves the records as they were and marks
/// the mirror stale with the reason.
extension PostgresStateStore {
    static func writeMirrorUpdates(_ updates: [MirrorUpdate], statements: Statements) throws {
        guard !updates.isEmpty else { return }
        let now = WallClock.nowMicros()
        for update in updates {
            let did: String
            switch update {
            case .commit(let commit): did = commit.did
            case .stale(let staleDID, _, _, _): did = staleDID
            case .replace(let repository): did = repository.did
            }
            var key = Binds()
            key.add(did)
            guard let row = try statements.query("SELECT data, rev, stale FROM mirrors WHERE did = $1 FOR UPDATE", key.values)
                .first.map(RowReader.init) else { continue }
            let root = try cid(row.bytes(0), "mirror data")
            let rev = try row.value(1, as: String?.self)
            if case .replace(let repository) = update {
                try replaceMirror(with: repository, statements: statements, now: now)
                continue
            }
            guard try row.value(2, as: String?.self) == nil else { continue }
            switch update {
            case .replace:
                continue  // handled above
            case .stale(_, let reason, let unlessRoot, let unlessRevAtLeast):
                if let unlessRoot, root == unlessRoot { continue }
                if let unlessRevAtLeast, let rev, rev.utf8.lexicographicallyPrecedes(unlessRevAtLeast.utf8) == false { continue }
                try markStale(did: did, reason: reason, statements: statements, now: now)
            case .commit(let commit):
                if let rev, !rev.utf8.lexicographicallyPrecedes(commit.rev.utf8) { continue }
                let fits = (root != nil && root == commit.prevData)
                    || (commit.startsRepository && (root == nil || root == MirrorCommit.emptyTreeCID))
                guard fits else {
                    let reason = root == nil
                        ? "rev \(commit.rev) continues a repository this mirror has not imported"
                        : "rev \(commit.rev) has prevData \(commit.prevData?.string ?? "null"), not the mirror root \(root?.string ?? "-")"
                    try markStale(did: did, reason: reason, statements: statements, now: now)
                    continue
                }
                var queued: [(String, PostgresBindings)] = []
                for change in commit.changes {
                    var binds = Binds()
                    binds.add(change.did)
                    binds.add(change.collection)
                    binds.add(change.rkey)
                    switch change.kind {
                    case .put(let cid, let bytes):
                        binds.add(bytes: cid.bytes)
                        binds.add(bytes: bytes)
                        queued.append(("""
                            INSERT INTO records (did, collection, rkey, cid, bytes) VALUES ($1, $2, $3, $4, $5)
                            ON CONFLICT (did, collection, rkey) DO UPDATE SET cid = excluded.cid, bytes = excluded.bytes
                            """, binds.values))
                    case .delete:
                        queued.append(("DELETE FROM records WHERE did = $1 AND collection = $2 AND rkey = $3", binds.values))
                    }
                }
                var head = Binds()
                head.add(bytes: commit.data.bytes)
                head.add(bytes: commit.commit.bytes)
                head.add(bytes: commit.commitBytes)
                head.add(commit.rev)
                head.add(now)
                head.add(did)
                queued.append(("""
                    UPDATE mirrors SET data = $1, commit_cid = $2, commit_bytes = $3, rev = $4, updated_at = $5 WHERE did = $6
                    """, head.values))
                try statements.pipeline(queued)
            }
        }
    }

    /// Rebuilds a mirror from a verified repository inside the batch transaction, leaving the account row to the
    /// batch (which holds the resync's new base and anything applied after it).
    static func replaceMirror(with repository: ResyncRepository, statements: Statements, now: Int64) throws {
        try statements.execute("SAVEPOINT mirror_replace")
        do {
            try RepositoryImport.rebuildMirror(from: repository, storage: PostgresMirrorImportStorage(did: repository.did, statements: statements))
            try statements.execute("RELEASE SAVEPOINT mirror_replace")
        } catch let error as FirehoseSyncError {
            try statements.execute("ROLLBACK TO SAVEPOINT mirror_replace")
            try markStale(did: repository.did, reason: "resync repository rev \(repository.rev) refused: \(error)", statements: statements, now: now)
        } catch let error as IPLDError {
            try statements.execute("ROLLBACK TO SAVEPOINT mirror_replace")
            try markStale(did: repository.did, reason: "resync repository rev \(repository.rev) refused: malformed-car: \(error.reason)",
                          statements: statements, now: now)
        }
    }

    static func markStale(did: String, reason: String, statements: Statements, now: Int64) throws {
        var binds = Binds()
        binds.add(reason)
        binds.add(now)
        binds.add(did)
        try statements.query("UPDATE mirrors SET stale = $1, updated_at = $2 WHERE did = $3", binds.values)
    }
}
