package import ATIdentity
package import FirehosePostgres
package import FirehoseStore
package import FirehoseSync

/// The store ports of one database, whatever the backend.
package struct OpenedStore: Sendable {
    /// The concrete store.
    package enum Backend: Sendable {
        /// A SQLite file.
        case sqlite(SQLiteStateStore)
        /// A PostgreSQL database.
        case postgres(PostgresStateStore)
    }

    /// The concrete store.
    package let backend: Backend

    /// The pipeline's store.
    package var state: any StateStore {
        switch backend {
        case .sqlite(let store): return store
        case .postgres(let store): return store
        }
    }

    /// What `status`, `audit report` and the status API read.
    package var reader: any StatusReader {
        switch backend {
        case .sqlite(let store): return store
        case .postgres(let store): return store
        }
    }

    /// The writer leases: PostgreSQL's, or the SQLite store's when it keeps them.
    package var leases: (any LeaseStore)? {
        switch backend {
        case .sqlite(let store): return (store as Any) as? any LeaseStore
        case .postgres(let store): return store
        }
    }

    /// The SQLite store, for the commands that work on SQLite only (mirror import and export, prune, bench).
    package var sqlite: SQLiteStateStore? {
        if case .sqlite(let store) = backend { return store }
        return nil
    }

    /// The PostgreSQL store.
    package var postgres: PostgresStateStore? {
        if case .postgres(let store) = backend { return store }
        return nil
    }

    /// The persistent identity cache as seen by look-ups through the PLC directory `directory`.
    package func identities(directory: String) -> any IdentityCacheStore {
        switch backend {
        case .sqlite(let store): return store.identities.cache(directory: directory)
        case .postgres(let store): return store.identities(directory: directory)
        }
    }
}

/// Opens the database `--db` names (``StoreAddress``): SQLite through ``DatabaseAccess`` (writer lock, read-only
/// opening), PostgreSQL through ``PostgresStateStore`` (migrated at open; several writers coordinate with leases).
/// Failures become ``ServiceError`` with the store's code.
package enum StoreFactory {
    /// Opens the database for a command that writes it.
    package static func writable(_ address: StoreAddress) throws -> OpenedStore {
        switch address {
        case .sqlite(let path):
            return OpenedStore(backend: .sqlite(try DatabaseAccess.writable(path)))
        case .postgres(let postgres):
            return OpenedStore(backend: .postgres(try openPostgres(postgres)))
        }
    }

    /// Opens the database for a command that only reads it (SQLite: read-only, never created or migrated).
    package static func readOnly(_ address: StoreAddress) throws -> OpenedStore {
        switch address {
        case .sqlite(let path):
            return OpenedStore(backend: .sqlite(try DatabaseAccess.readOnly(path)))
        case .postgres(let postgres):
            return OpenedStore(backend: .postgres(try openPostgres(postgres)))
        }
    }

    /// Opens `--db` (path or URL) for reading.
    package static func readOnly(_ text: String) throws -> OpenedStore {
        try readOnly(StoreAddress(parsing: text))
    }

    /// Opens `--db` (path or URL) for writing.
    package static func writable(_ text: String) throws -> OpenedStore {
        try writable(StoreAddress(parsing: text))
    }

    static func openPostgres(_ address: PostgresAddress) throws -> PostgresStateStore {
        do {
            return try PostgresStateStore(address: address)
        } catch let error as PostgresStoreError {
            throw ServiceError(error.code.description, error.reason)
        }
    }
}
