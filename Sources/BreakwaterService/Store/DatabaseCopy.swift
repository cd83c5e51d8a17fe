import FirehosePostgres
import Foundation
import FirehoseStore
import FirehoseSync

/// `breakwater db copy SRC DST`: copies a SQLite database into an empty PostgreSQL database — account states,
/// cursors, outcome counts, violations with their frame bytes, the audit figures, mirrors with their records
/// and the identity cache — then counts the rows of every table (and the cursors whose rate window has begun) on
/// both sides and fails unless they agree.
/// Leases are not copied. A cursor keeps its partition (SQLite names it `UPSTREAM partition K/N`).
package enum DatabaseCopy {
    /// One copied table.
    package struct TableCount: Sendable, Hashable {
        /// The table.
        package let table: String
        /// Rows in the SQLite database.
        package let source: Int
        /// Rows in the PostgreSQL database after the copy.
        package let copied: Int
    }

    private typealias Kind = PostgresStateStore.ColumnKind

    /// A table: its columns in both schemas (the PostgreSQL kind of each), the SQLite order, and how a SQLite
    /// row becomes a PostgreSQL row (cursors gain their partition).
    private struct Table: Sendable {
        let name: String
        let sourceColumns: [String]
        let columns: [(name: String, kind: Kind)]
        let orderBy: [String]
        var convert: @Sendable ([ColumnValue]) -> [ColumnValue] = { $0 }

        init(_ name: String, _ columns: [(String, Kind)], orderBy: [String]) {
            self.name = name
            self.sourceColumns = columns.map(\.0)
            self.columns = columns.map { (name: $0.0, kind: $0.1) }
            self.orderBy = orderBy
        }

        init(name: String, sourceColumns: [String], columns: [(name: String, kind: Kind)], orderBy: [String],
             convert: @escaping @Sendable ([ColumnValue]) -> [ColumnValue]) {
            self.name = name
            self.sourceColumns = sourceColumns
            self.columns = columns
            self.orderBy = orderBy
            self.convert = convert
        }
    }

    private static let tables: [Table] = {
        let counters: [(String, Kind)] = ["n_verified", "n_applied", "n_rejected", "n_desynchronized", "n_ignored", "n_unverifiable"].map { ($0, .bigint) }
        // Each cursor with the start of its rate window (position and time), which `status` reads its rate from.
        let cursors = Table(name: "cursors", sourceColumns: ["upstream", "position", "updated_at", "window_position", "window_at"],
                        columns: [("upstream", .text), ("partition_index", .integer), ("partition_count", .integer), ("position", .bigint),
                                  ("updated_at", .bigint), ("window_position", .bigint), ("window_at", .bigint)],
                        orderBy: ["upstream"]) { row in
            // A SQLite cursor of a partition is named `UPSTREAM partition K/N` (CursorKey).
            guard case .text(let name) = row[0] else { return [row[0], .integer(0), .integer(1)] + row[1...] }
            let key = CursorKey.parse(name)
            return [.text(key.upstream), .integer(Int64(key.partition.index)), .integer(Int64(key.partition.count))] + row[1...]
        }
        return [
            Table("accounts", [("did", .text), ("rev", .text), ("data", .bytea), ("commit_cid", .bytea), ("active", .boolean), ("status", .text),
                               ("sync_state", .smallint), ("last_seq", .bigint)] + counters + [("pds_host", .text)], orderBy: ["did"]),
            cursors,
            Table("outcome_counts", [("outcome", .text), ("reason", .text), ("count", .bigint)], orderBy: ["outcome", "reason"]),
            Table("violations", [("frame_index", .bigint), ("seq", .bigint), ("type", .text), ("did", .text), ("rev", .text), ("outcome", .text),
                                 ("reason", .text), ("detail", .text), ("processed_at", .bigint), ("frame", .bytea)], orderBy: ["id"]),
            Table("identities", [("did", .text), ("signing_key", .text), ("pds", .text), ("handle", .text), ("error", .text),
                                 ("fetched_at", .bigint), ("key_error", .text), ("directory", .text)], orderBy: ["did"]),
            Table("mirrors", [("did", .text), ("collections", .text), ("data", .bytea), ("commit_cid", .bytea), ("commit_bytes", .bytea),
                              ("rev", .text), ("stale", .text), ("added_at", .bigint), ("updated_at", .bigint)], orderBy: ["did"]),
            Table("records", [("did", .text), ("collection", .text), ("rkey", .text), ("cid", .bytea), ("bytes", .bytea)],
                  orderBy: ["did", "collection", "rkey"]),
            Table("audit_host_days", [("host", .text), ("day", .text), ("outcome", .text), ("reason", .text), ("count", .bigint)],
                  orderBy: ["host", "day", "outcome", "reason"]),
            Table("audit_host_warnings", [("host", .text), ("day", .text), ("kind", .text), ("count", .bigint)], orderBy: ["host", "day", "kind"]),
            Table("audit_minutes", [("minute", .bigint), ("outcome", .text), ("count", .bigint)], orderBy: ["minute", "outcome"]),
            Table("audit_resyncs", [("host", .text), ("day", .text), ("started", .bigint), ("completed", .bigint)], orderBy: ["host", "day"]),
            Table("relay_health", [("upstream", .text)] + ["frames", "gaps", "missing_seqs", "duplicates", "reconnects", "lag_count", "lag_sum_ms",
                                                          "lag_max_ms"].map { ($0, Kind.bigint) }
                  + [("lag_buckets", .bigintList), ("first_seen", .bigint), ("last_seen", .bigint), ("last_seq", .bigint), ("backfill_events", .bigint)],
                  orderBy: ["upstream"]),
        ]
    }()

    /// Copies the SQLite database at `source` into the PostgreSQL database at `destination` (which must hold no
    /// rows yet: `database-not-empty`) and returns the row counts of both sides, table by table. Throws
    /// `copy-mismatch` when a count differs after the copy. `progress` hears each table as it is done.
    package static func copy(from source: String, to destination: String, pageSize: Int = 1_000,
                             progress: (TableCount) -> Void = { _ in }) throws -> [TableCount] {
        guard case .postgres = try StoreAddress(parsing: destination) else {
            throw ServiceError("invalid-destination", "the destination \(destination) is not a postgres:// URL")
        }
        guard case .sqlite(let path) = try StoreAddress(parsing: source) else {
            throw ServiceError("invalid-source", "the source is a PostgreSQL URL; db copy reads a SQLite file")
        }
        guard FileManager.default.fileExists(atPath: path) else { throw ServiceError("file-not-found", "no database at \(path)") }
        let sqlite = try DatabaseAccess.readOnly(path)
        guard let postgres = try StoreFactory.writable(destination).postgres else {
            throw ServiceError("invalid-destination", "the destination \(destination) is not a postgres:// URL")
        }
        do {
            for table in tables where try postgres.rowCount(table: table.name) > 0 {
                throw ServiceError("database-not-empty", "\(postgres.address) already holds \(table.name) rows; db copy fills an empty database")
            }
            var counts: [TableCount] = []
            for table in tables {
                try sqlite.copyRows(table: table.name, columns: table.sourceColumns, orderBy: table.orderBy, pageSize: pageSize) { rows in
                    try postgres.insertRows(table: table.name, columns: table.columns, rows: rows.map(table.convert))
                }
                let count = TableCount(table: table.name, source: try sqlite.rowCount(table: table.name),
                                       copied: try postgres.rowCount(table: table.name))
                progress(count)
                counts.append(count)
            }
            // The cursors' rate windows, counted like a table: the cursors whose window has begun, on both sides.
            let windows = TableCount(table: rateWindows, source: try sqlite.rowCount(table: "cursors", nonNull: "window_at"),
                                     copied: try postgres.rowCount(table: "cursors", nonNull: "window_at"))
            progress(windows)
            counts.append(windows)
            for count in counts where count.source != count.copied {
                throw ServiceError("copy-mismatch", "\(count.table): \(count.source) rows in the source, \(count.copied) copied")
            }
            return counts
        } catch let error as StoreError {
            throw ServiceError(error.code.description, error.reason)
        } catch let error as PostgresStoreError {
            throw ServiceError(error.code.description, error.reason)
        }
    }

    /// One table's line: `TABLE  N rows, M copied`.
    package static func line(_ count: TableCount) -> String {
        "\(count.table.padding(toLength: 20, withPad: " ", startingAt: 0)) \(count.source) rows, \(count.copied) copied"
    }

    /// The name of the count of cursors with a rate window (not a table of its own: columns of `cursors`).
    package static let rateWindows = "cursor rate windows"

    /// The closing line (the rate windows are rows of `cursors`, counted once).
    package static func summary(_ counts: [TableCount]) -> String {
        let tables = counts.filter { $0.table != rateWindows }
        return "copied \(tables.reduce(0) { $0 + $1.copied }) rows in \(tables.count) tables; every count matches"
    }
}
