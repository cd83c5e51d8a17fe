/// Creating and dropping whole databases on a server, for throwaway test databases: the statements run on a
/// connection to the address's own database.
package enum PostgresAdministration {
    /// Creates the database `name` (letters, digits and `_` only) on the server of `address`.
    package static func createDatabase(_ name: String, on address: PostgresAddress) throws {
        try run("CREATE DATABASE \(try checked(name))", on: address)
    }

    /// Drops the database `name` when it exists, closing other connections to it.
    package static func dropDatabase(_ name: String, on address: PostgresAddress) throws {
        try run("DROP DATABASE IF EXISTS \(try checked(name)) WITH (FORCE)", on: address)
    }

    private static func run(_ sql: String, on address: PostgresAddress) throws {
        let session = try PostgresSession(address: address)
        try session.withConnection { statements in try statements.execute(sql) }
    }

    private static func checked(_ name: String) throws -> String {
        guard !name.isEmpty, name.utf8.count <= 63,
              name.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x5f }) else {
            throw PostgresStoreError(.invalidAddress, "database name \(name) is not lower-case letters, digits and _")
        }
        return name
    }
}
