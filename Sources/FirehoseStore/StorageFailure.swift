import Foundation
import GRDB

/// SQLite failures that say something about the storage itself, told apart from other database errors so that a
/// full disk or a damaged file stops a command with its own code.
extension SQLiteStateStore {
    /// `disk-full` for `SQLITE_FULL`, or an I/O error while the database's file system has no room left;
    /// `database-corrupt` for a damaged file; nil for any other error. A failed write is rolled back by SQLite, so
    /// the database and its cursor stay as the last committed batch left them.
    static func storageFailure(_ error: any Error, path: String) -> StoreError? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL:
            return diskFull(path, error)
        case .SQLITE_IOERR where SQLiteStateStore.freeBytes(near: path).map { $0 < 1 << 16 } ?? false:
            return diskFull(path, error)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return corruption(path, error)
        default:
            return nil
        }
    }

    static func diskFull(_ path: String, _ error: DatabaseError) -> StoreError {
        StoreError(.diskFull, "no space left for the database \(path) (\(error.message ?? "\(error.resultCode)")); "
                   + "the last committed batch and its cursor are kept: free space and run again to resume")
    }

    /// Bytes available to this process on the file system holding `path` (its folder when the file is absent).
    static func freeBytes(near path: String) -> Int? {
        var info = statvfs()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard statvfs(folder, &info) == 0 else { return nil }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }
}
