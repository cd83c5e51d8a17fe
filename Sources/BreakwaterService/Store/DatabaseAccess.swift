package import FirehoseStore

/// How commands open the database: a command that writes it takes the writer lock first (a second writer is
/// refused with `error: database-locked: PATH in use by pid N`); a command that only reads opens it read-only and
/// never creates, migrates or writes it. Store failures become exit status 1 with their code.
package enum DatabaseAccess {
    /// Opens (creating and migrating if needed) the database for a writing command, holding its writer lock for
    /// as long as the store lives.
    package static func writable(_ path: String) throws -> SQLiteStateStore {
        do {
            return try SQLiteStateStore(path: path, exclusive: true)
        } catch let error as StoreError {
            throw ServiceError(error.code.description, error.reason)
        }
    }

    /// Opens an existing database read-only, for a command that only reads it.
    package static func readOnly(_ path: String) throws -> SQLiteStateStore {
        do {
            return try SQLiteStateStore.openReadOnly(path: path)
        } catch let error as StoreError {
            throw ServiceError(error.code.description, error.reason)
        }
    }
}
