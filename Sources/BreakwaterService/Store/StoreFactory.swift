package import ATIdentity
package import FirehosePostgres
package import FirehoseStore
package import FirehoseSync
import Foundation

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

    /// The mirrors (``MirrorStorePort``) of either backend.
    package var mirrors: any MirrorStorePort {
        switch backend {
        case .sqlite(let store): return store.mirrors
        case .postgres(let store): return store.mirrors
        }
    }

    /// Retention (`prune`) of either backend.
    package var retention: any RetentionStore {
        switch backend {
        case .sqlite(let store): return store
        case .postgres(let store): return store
        }
    }

    /// Up to `limit` accounts a resync must resume (left desynchronized or resyncing), by DID.
    package func accountsNeedingResync(limit: Int) throws -> [String] {
        switch backend {
        case .sqlite(let store): return try store.status.accountsNeedingResync(limit: limit)
        case .postgres(let store): return try store.accountsNeedingResync(limit: limit)
        }
    }

    /// The SQLite store, for the commands that work on SQLite only (prune, bench).
    package var sqlite: SQLiteStateStore? {
        if case .sqlite(let store) = backend { return store }
        return nil
    }

    /// The PostgreSQL store.
    package var postgres: PostgresStateStore? {
        if case .postgres(let store) = backend { return store }
        return nil
    }

    /// Deletes `did`'s cached identity (a key or a cached failure) from whichever backend; false when there was none.
    package func forgetIdentity(_ did: String) throws -> Bool {
        switch backend {
        case .sqlite(let store): return try store.identities.forget(did)
        case .postgres(let store): return try store.identities(directory: nil).forget(did)
        }
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

    /// Opens an existing database for a command that writes it: a SQLite file that does not exist is
    /// `file-not-found` (nothing is created).
    package static func existingWritable(_ text: String) throws -> OpenedStore {
        let address = try StoreAddress(parsing: text)
        if case .sqlite(let path) = address, !FileManager.default.fileExists(atPath: path) {
            throw ServiceError("file-not-found", "no database at \(path)")
        }
        return try writable(address)
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
