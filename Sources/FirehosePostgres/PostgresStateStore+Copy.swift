public import FirehoseSync
import PostgresNIO

/// Writing whole tables for `breakwater db copy` (SQLite into PostgreSQL).
extension PostgresStateStore {
    /// The PostgreSQL type a copied column is converted to.
    public enum ColumnKind: Sendable, Hashable {
        /// BIGINT.
        case bigint
        /// INTEGER.
        case integer
        /// SMALLINT.
        case smallint
        /// BOOLEAN, from an integer (non-zero is true).
        case boolean
        /// TEXT.
        case text
        /// BYTEA.
        case bytea
        /// BIGINT[], from comma-separated decimal text.
        case bigintList
    }

    /// Inserts `rows` into `table` in one transaction. Each value is converted to its column's kind; a value
    /// that does not fit is `database-corrupt-row`.
    public func insertRows(table: String, columns: [(name: String, kind: ColumnKind)], rows: [[ColumnValue]]) throws {
        guard !rows.isEmpty else { return }
        for name in [table] + columns.map(\.name) where !Self.isPlainIdentifier(name) {
            throw PostgresStoreError(.query, "\(name) is not a plain identifier")
        }
        let placeholders = columns.enumerated().map { index, column in
            switch column.kind {
            case .boolean: return "($\(index + 1)::BIGINT <> 0)"
            case .bigintList: return "string_to_array($\(index + 1), ',')::BIGINT[]"
            default: return "$\(index + 1)"
            }
        }
        let sql = "INSERT INTO \(table) (\(columns.map(\.name).joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", ")))"
        var queued: [(String, PostgresBindings)] = []
        for row in rows {
            guard row.count == columns.count else { throw PostgresStoreError(.corruptRow, "a \(table) row has \(row.count) values for \(columns.count) columns") }
            var binds = PostgresBindings(capacity: row.count)
            for (value, column) in zip(row, columns) {
                try Self.bind(value, as: column.kind, into: &binds, table: table, column: column.name)
            }
            queued.append((sql, binds))
        }
        try session.transaction { statements in try statements.pipeline(queued) }
    }

    /// The number of rows of `table` (a plain identifier).
    public func rowCount(table: String) throws -> Int {
        guard Self.isPlainIdentifier(table) else { throw PostgresStoreError(.query, "\(table) is not a plain identifier") }
        return try session.withConnection { statements in
            Int(try statements.query("SELECT COUNT(*) FROM \(table)").first.map { try RowReader($0).value(0, as: Int64.self) } ?? 0)
        }
    }

    /// The number of rows of `table` whose `column` is not NULL (plain identifiers).
    public func rowCount(table: String, nonNull column: String) throws -> Int {
        for name in [table, column] where !Self.isPlainIdentifier(name) {
            throw PostgresStoreError(.query, "\(name) is not a plain identifier")
        }
        return try session.withConnection { statements in
            Int(try statements.query("SELECT COUNT(*) FROM \(table) WHERE \(column) IS NOT NULL").first.map { try RowReader($0).value(0, as: Int64.self) } ?? 0)
        }
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x5f || ($0 >= 0x30 && $0 <= 0x39) }
    }

    private static func bind(_ value: ColumnValue, as kind: ColumnKind, into binds: inout PostgresBindings, table: String, column: String) throws {
        func mismatch() -> PostgresStoreError {
            PostgresStoreError(.corruptRow, "\(table).\(column) holds \(value), not a \(kind) value")
        }
        switch (value, kind) {
        case (.null, _): binds.appendNull()
        case (.integer(let n), .bigint), (.integer(let n), .boolean): binds.append(n)
        case (.integer(let n), .integer):
            guard let narrow = Int32(exactly: n) else { throw mismatch() }
            binds.append(narrow)
        case (.integer(let n), .smallint):
            guard let narrow = Int16(exactly: n) else { throw mismatch() }
            binds.append(narrow)
        case (.text(let text), .text), (.text(let text), .bigintList): binds.append(text)
        case (.blob(let bytes), .bytea): binds.append(ByteBuffer(bytes: bytes))
        default: throw mismatch()
        }
    }
}
