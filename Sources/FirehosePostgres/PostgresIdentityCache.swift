public import ATIdentity
public import ATSyntax

/// The identity cache in PostgreSQL, shared by every process on the database: the same rows and rules as the
/// SQLite cache (Docs/CONTRACT.md §5). A success keeps the signing key as its `did:key` or, in `key_error`, why
/// the document has no usable one; a failure keeps its error as `code: reason`; `fetched_at` (µs since the epoch)
/// is the entry's time. A did:plc entry keeps the PLC directory that answered and is only read back through that
/// directory (``directory``; nil is the scope of entries stored without one).
public struct PostgresIdentityCache: IdentityCacheStore, Sendable {
    /// The database.
    let store: PostgresStateStore
    /// The PLC directory look-ups go through, without a trailing `/`; nil for none.
    public let directory: String?

    /// The cache of `store` for look-ups through `directory`.
    public init(store: PostgresStateStore, directory: String?) {
        self.store = store
        var base = directory.map { Substring($0) }
        while base?.hasSuffix("/") == true { base = base?.dropLast() }
        self.directory = base.map(String.init)
    }

    public func loadIdentity(_ did: DID) throws -> IdentityCachePolicy.Entry? {
        try store.session.withConnection { statements in
            var binds = Binds()
            binds.add(did.description)
            let rows = try statements.query("""
                SELECT signing_key, pds, handle, error, key_error, fetched_at, directory FROM identities WHERE did = $1
                """, binds.values)
            guard let first = rows.first else { return nil }
            let row = RowReader(first)
            let stored = try row.value(6, as: String?.self)
            if did.isPLC && stored != directory { return nil }
            return try Self.entry(did: did, row: row)
        }
    }

    public func saveIdentity(_ did: DID, _ entry: IdentityCachePolicy.Entry) throws {
        let row = IdentityCacheColumns(entry)
        var binds = Binds()
        binds.add(did.description)
        binds.add(row.signingKey)
        binds.add(row.pds)
        binds.add(row.handle)
        binds.add(row.error)
        binds.add(row.keyError)
        binds.add(entry.storedAt)
        binds.add(did.isPLC ? directory : nil)
        try store.session.withConnection { statements in
            try statements.query("""
                INSERT INTO identities (did, signing_key, pds, handle, error, key_error, fetched_at, directory)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (did) DO UPDATE SET signing_key = excluded.signing_key, pds = excluded.pds,
                    handle = excluded.handle, error = excluded.error, key_error = excluded.key_error,
                    fetched_at = excluded.fetched_at, directory = excluded.directory
                """, binds.values)
        }
    }

    public func deleteIdentity(_ did: DID) throws {
        _ = try forget(did.description)
    }

    /// Deletes the cached identity of `did` whatever its directory; false when there was none.
    public func forget(_ did: String) throws -> Bool {
        try store.session.withConnection { statements in
            var binds = Binds()
            binds.add(did)
            return !(try statements.query("DELETE FROM identities WHERE did = $1 RETURNING did", binds.values)).isEmpty
        }
    }

    /// The number of stored identity entries (fresh or not).
    public func count() throws -> Int {
        try store.session.withConnection { statements in
            Int(try statements.query("SELECT COUNT(*) FROM identities").first.map { try RowReader($0).value(0, as: Int64.self) } ?? 0)
        }
    }

    static func entry(did: DID, row: RowReader) throws -> IdentityCachePolicy.Entry {
        let storedAt = try row.value(5, as: Int64.self)
        if let error = try row.value(3, as: String?.self) {
            return IdentityCachePolicy.Entry(result: .failure(IdentityCacheColumns.decodeError(error)), storedAt: storedAt)
        }
        let key: Result<SigningKeyReference, ATIdentityError>
        if let didKey = try row.value(0, as: String?.self) {
            do throws(ATIdentityError) {
                key = .success(try SigningKeyReference(didKey: didKey))
            } catch {
                throw PostgresStoreError(.corruptRow, "identity \(did): signing_key is not a did:key")
            }
        } else {
            key = .failure(IdentityCacheColumns.decodeError(try row.value(4, as: String?.self) ?? "no-signing-key: no signing key stored"))
        }
        let identity = ResolvedIdentity(
            did: did, signingKey: key, pds: try row.value(1, as: String?.self).flatMap(ServiceEndpoint.init),
            handle: try row.value(2, as: String?.self).flatMap { try? Handle($0) }, fetchedAt: storedAt)
        return IdentityCachePolicy.Entry(result: .success(identity), storedAt: storedAt)
    }
}

extension PostgresStateStore {
    /// The identity cache of this database for look-ups through the PLC directory `directory` (nil for none).
    public func identities(directory: String?) -> PostgresIdentityCache {
        PostgresIdentityCache(store: self, directory: directory)
    }
}
