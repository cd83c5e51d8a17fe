public import ATIdentity
public import ATSyntax
import Foundation
import GRDB

/// The persistent identity cache (Docs/CONTRACT.md §5): one row per DID in `identities`.
///
/// A success keeps the signing key as its `did:key` (legacy-suite keys are stored in their equivalent
/// compressed `did:key` form), or in `key_error` why the document has no usable key; a failed
/// resolution keeps its error in `error`. Errors are stored as `code: reason`. `fetched_at` is the
/// entry's time (µs since the epoch), from which ``IdentityCachePolicy`` decides freshness.
///
/// A did:plc entry also keeps the PLC directory that answered (`directory`) and is only used by a look-up through
/// that same directory (``cache(directory:)``), so a failure cached while asking one directory never answers for
/// another. This type itself is the scope of no directory (entries stored without one). Shares the store's database.pool.
public struct SQLiteIdentityCache: IdentityCacheStore, Sendable {
    /// The database.
    let database: SQLiteStateStore

    /// The entry of `did` stored without a directory (fresh or not).
    public func loadIdentity(_ did: DID) throws -> IdentityCachePolicy.Entry? {
        try loadIdentity(did, directory: nil)
    }

    /// Stores `entry` for `did` without a directory.
    public func saveIdentity(_ did: DID, _ entry: IdentityCachePolicy.Entry) throws {
        try saveIdentity(did, entry, directory: nil)
    }

    /// The identity cache as seen by look-ups through the PLC directory at `directory` (a URL; trailing `/` ignored).
    public func cache(directory: String) -> DirectoryIdentityCache {
        DirectoryIdentityCache(store: database, directory: directory)
    }

    /// The stored entry of `did` (fresh or not), when it applies to look-ups through `directory`: a did:plc entry
    /// only when it was resolved through the same directory (nil matches entries stored without one); a did:web
    /// entry whatever the directory.
    func loadIdentity(_ did: DID, directory: String?) throws -> IdentityCachePolicy.Entry? {
        try database.guarded {
            try database.pool.read { db in
                guard let row = try Row.fetchOne(
                    db.cachedStatement(sql: """
                        SELECT signing_key, pds, handle, error, key_error, fetched_at, directory FROM identities WHERE did = ?
                        """),
                    arguments: [did.description])
                else { return nil }
                let stored: String? = row["directory"]
                if did.isPLC && stored != directory { return nil }
                return try SQLiteIdentityCache.identityEntry(did: did, row: row)
            }
        }
    }

    /// Stores `entry` for `did`, resolved through the PLC directory `directory` (kept for did:plc only).
    func saveIdentity(_ did: DID, _ entry: IdentityCachePolicy.Entry, directory: String?) throws {
        let row = IdentityCacheColumns(entry)
        let source = did.isPLC ? directory : nil
        try database.guarded {
            try database.pool.write { db in
                try db.cachedStatement(sql: """
                    INSERT INTO identities (did, signing_key, pds, handle, error, key_error, fetched_at, directory)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(did) DO UPDATE SET signing_key = excluded.signing_key, pds = excluded.pds,
                        handle = excluded.handle, error = excluded.error, key_error = excluded.key_error,
                        fetched_at = excluded.fetched_at, directory = excluded.directory
                    """).execute(arguments: [did.description, row.signingKey, row.pds, row.handle, row.error, row.keyError, entry.storedAt, source])
            }
        }
    }

    /// Deletes the cached identity of `did` (`breakwater identity forget`); false when there was none.
    public func forget(_ did: String) throws -> Bool {
        try database.guarded {
            try database.pool.write { db in
                try db.execute(sql: "DELETE FROM identities WHERE did = ?", arguments: [did])
                return db.changesCount > 0
            }
        }
    }

    /// Deletes the entry of `did`, whatever its directory.
    public func deleteIdentity(_ did: DID) throws {
        try database.guarded {
            try database.pool.write { db in
                try db.execute(sql: "DELETE FROM identities WHERE did = ?", arguments: [did.description])
            }
        }
    }

    /// The number of stored identity entries (fresh or not).
    public func count() throws -> Int {
        try database.guarded { try database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM identities") ?? 0 } }
    }

    /// Deletes entries stored before `micros` (µs since the epoch); returns how many went.
    @discardableResult
    public func delete(storedBefore micros: Int64) throws -> Int {
        try database.guarded {
            try database.pool.write { db in
                try db.execute(sql: "DELETE FROM identities WHERE fetched_at < ?", arguments: [micros])
                return db.changesCount
            }
        }
    }

    static func identityEntry(did: DID, row: Row) throws -> IdentityCachePolicy.Entry {
        let storedAt: Int64 = row["fetched_at"]
        if let error: String = row["error"] {
            return IdentityCachePolicy.Entry(result: .failure(IdentityCacheColumns.decodeError(error)), storedAt: storedAt)
        }
        let key: Result<SigningKeyReference, ATIdentityError>
        if let didKey: String = row["signing_key"] {
            do throws(ATIdentityError) {
                key = .success(try SigningKeyReference(didKey: didKey))
            } catch {
                throw StoreError(.corruptRow, "identity \(did): signing_key is not a did:key")
            }
        } else {
            let keyError: String? = row["key_error"]
            key = .failure(IdentityCacheColumns.decodeError(keyError ?? "no-signing-key: no signing key stored"))
        }
        let pdsText: String? = row["pds"]
        let handleText: String? = row["handle"]
        let identity = ResolvedIdentity(did: did, signingKey: key, pds: pdsText.flatMap(ServiceEndpoint.init),
                                        handle: handleText.flatMap { try? Handle($0) }, fetchedAt: storedAt)
        return IdentityCachePolicy.Entry(result: .success(identity), storedAt: storedAt)
    }
}

extension SQLiteStateStore {
    /// The identity cache over this store's pool.
    public var identities: SQLiteIdentityCache { SQLiteIdentityCache(database: self) }
}
