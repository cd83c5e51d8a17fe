package import FirehosePostgres

/// Where the state lives, as `--db` (env `BREAKWATER_DB`) names it: a file path (SQLite, the default) or a
/// `postgres://user[:password]@host[:port]/db[?sslmode=…]` URL (PostgreSQL, shared by several processes).
package enum StoreAddress: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite database file.
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresAddress)

    /// Parses `--db`. Throws `postgres-invalid-address` for a malformed URL.
    package init(parsing text: String) throws {
        if PostgresAddress.looksLikeAddress(text) {
            do {
                self = .postgres(try PostgresAddress(parsing: text))
            } catch let error as PostgresStoreError {
                throw ServiceError(error.code.description, error.reason)
            }
        } else {
            self = .sqlite(path: text)
        }
    }

    /// True for PostgreSQL.
    package var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// The path or the URL without its password.
    package var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let address): return address.description
        }
    }
}
