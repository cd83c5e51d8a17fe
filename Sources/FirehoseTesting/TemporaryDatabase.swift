public import Foundation

/// A unique SQLite database path in the temporary folder, for one test. Nothing is created; ``remove()`` deletes
/// the database with its `-wal`, `-shm` and `.lock` companions, whichever exist.
public struct TemporaryDatabase: Sendable {
    /// The database file's path (`<tmp>/<label>-<UUID>.sqlite`).
    public let path: String

    /// A fresh path whose file name starts with `label`.
    public init(label: String = "bw-test") {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString).sqlite").path
    }

    /// The database file as a URL.
    public var url: URL { URL(fileURLWithPath: path) }

    /// Deletes the database and its companion files.
    public func remove() { Self.remove(path) }

    /// Deletes the database at `path` and its `-wal`, `-shm` and `.lock` companions.
    public static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Runs `body` with a fresh database path and removes the database afterwards, whether `body` threw or not.
    public static func with<T>(label: String = "bw-test", _ body: (String) throws -> T) rethrows -> T {
        let database = TemporaryDatabase(label: label)
        defer { database.remove() }
        return try body(database.path)
    }
}
