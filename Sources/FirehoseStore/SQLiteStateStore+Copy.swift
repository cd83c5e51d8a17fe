public import FirehoseSync
import Foundation
import GRDB

/// Reading whole tables for `breakwater db copy`, page by page, in one read transaction so the copy is one
/// consistent snapshot.
extension SQLiteStateStore {
    /// Calls `page` with the rows of `table` (the given `columns`, ordered by `orderBy`), `pageSize` rows at a time,
    /// all read in one snapshot. Table and column names must be plain identifiers (`[a-z_]`).
    public func copyRows(table: String, columns: [String], orderBy: [String], pageSize: Int,
                         _ page: ([[ColumnValue]]) throws -> Void) throws {
        for name in [table] + columns + orderBy where !Self.isPlainIdentifier(name) {
            throw StoreError(.sqlite, "\(name) is not a plain identifier")
        }
        let sql = "SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(orderBy.joined(separator: ", ")) LIMIT ? OFFSET ?"
        try guarded {
            try pool.read { db in
                var offset = 0
                while true {
                    let rows = try Row.fetchAll(db, sql: sql, arguments: [max(1, pageSize), offset])
                    if rows.isEmpty { break }
                    try page(rows.map { row in columns.indices.map { Self.columnValue(row[$0]) } })
                    offset += rows.count
                }
            }
        }
    }

    /// The number of rows of `table` (a plain identifier).
    public func rowCount(table: String) throws -> Int {
        guard Self.isPlainIdentifier(table) else { throw StoreError(.sqlite, "\(table) is not a plain identifier") }
        return try guarded { try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 } }
    }

    /// The number of rows of `table` whose `column` is not NULL (plain identifiers).
    public func rowCount(table: String, nonNull column: String) throws -> Int {
        for name in [table, column] where !Self.isPlainIdentifier(name) {
            throw StoreError(.sqlite, "\(name) is not a plain identifier")
        }
        return try guarded { try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(column) IS NOT NULL") ?? 0 } }
    }

    /// True when the table `table` exists (a column-less check for optional tables of newer schemas).
    public func hasTable(_ table: String) throws -> Bool {
        try guarded { try pool.read { db in try db.tableExists(table) } }
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x5f || ($0 >= 0x30 && $0 <= 0x39) }
    }

    static func columnValue(_ value: DatabaseValue) -> ColumnValue {
        switch value.storage {
        case .null: return .null
        case .int64(let n): return .integer(n)
        case .double(let d): return .real(d)
        case .string(let s): return .text(s)
        case .blob(let data): return .blob([UInt8](data))
        }
    }
}
