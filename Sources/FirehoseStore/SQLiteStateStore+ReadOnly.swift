import Foundation
import GRDB

/// Opening a database for the commands that only read it (`status`, `audit report`, `mirror list/get/records/export`).
extension SQLiteStateStore {
    /// Opens the database at `path` for reading only: with `SQLITE_OPEN_READONLY`, never creating, migrating or
    /// writing the file, and without the writer lock, so it reads while a writer runs and works on a read-only file
    /// or in a read-only directory.
    ///
    /// A WAL database needs its `-shm` index; where it cannot be created (a read-only directory after the writer
    /// closed cleanly, so there is no `-wal` either), the file is opened as immutable, which is exact then since
    /// nothing can write it. Throws `file-not-found` (no file), `not-a-database` (empty, not SQLite, or no
    /// Breakwater schema), `database-outdated` (an older schema: a writing command migrates it) or
    /// `database-open-failed`.
    public static func openReadOnly(path: String) throws -> SQLiteStateStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notFound, "no database at \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let queue: DatabaseQueue
        do {
            queue = try probe(path, configuration)
        } catch let first {
            // A file SQLite cannot read as a database (a broken header, a truncated image) is damaged.
            if let corrupt = corruption(path, first) { throw corrupt }
            do {
                queue = try probe(immutableURI(path), configuration)
            } catch {
                if let corrupt = corruption(path, error) { throw corrupt }
                throw StoreError(.openFailed, "cannot open database \(path) read-only: \(first)")
            }
        }
        try checkIntegrity(of: queue, path: path)
        let applied: (hasSchema: Bool, complete: Bool)
        do {
            applied = try queue.read { db in
                guard try db.tableExists("grdb_migrations") else { return (false, false) }
                return (true, try Schema.migrator().hasCompletedMigrations(db))
            }
        } catch {
            throw StoreError(.openFailed, "cannot read database \(path): \(error)")
        }
        guard applied.hasSchema else {
            throw StoreError(.notADatabase, "\(path) holds no Breakwater database (empty or another schema); a writing command such as consume creates one")
        }
        guard applied.complete else {
            throw StoreError(.outdated, "\(path) has an older schema; a writing command (consume, replay --db, mirror import) migrates it")
        }
        return SQLiteStateStore(readOnly: queue)
    }

    /// Opens `path` and reads its schema once, so that a file that cannot be read fails here.
    private static func probe(_ path: String, _ configuration: Configuration) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") }
        return queue
    }

    /// `file:` URI of `path` with `immutable=1` (the system SQLite is built with `SQLITE_USE_URI`).
    static func immutableURI(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }
}
