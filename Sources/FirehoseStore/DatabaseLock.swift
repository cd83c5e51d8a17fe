import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive hold of one writing process on a database: an advisory `flock` on the sidecar file
/// `<database>.lock`, which also holds the holder's pid as text.
///
/// Every command that writes the database takes it before opening; a second writer is refused with
/// `database-locked` naming the holder's pid. Readers never take it, so they read while a writer runs. The kernel
/// releases the lock when the holder closes it or dies, whatever the cause (SIGKILL included), so a lock file left
/// behind is never stale: its pid is only a hint, rewritten by the next holder. The lock is per open file
/// description, so two holds in one process exclude each other as two processes do.
public final class DatabaseLock: Sendable {
    /// The sidecar lock file.
    public let path: String
    private let descriptor: Int32

    /// The lock file of the database at `databasePath`.
    public static func lockPath(forDatabase databasePath: String) -> String { databasePath + ".lock" }

    /// Takes the hold on the database at `databasePath`, without waiting.
    ///
    /// Throws `database-locked` (`<path> in use by pid N`) when another holder has it, `database-open-failed` when the
    /// lock file cannot be created or locked (e.g. a read-only directory).
    public init(databasePath: String) throws {
        path = DatabaseLock.lockPath(forDatabase: databasePath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(.openFailed, "cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            guard code == EWOULDBLOCK else {
                throw StoreError(.openFailed, "cannot lock \(path): \(String(cString: strerror(code)))")
            }
            throw StoreError(.locked, "\(databasePath) in use by pid \(DatabaseLock.holder(lockPath: path).map(String.init) ?? "unknown")")
        }
        descriptor = fd
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        close(descriptor)  // releases the lock
    }

    /// The pid written in the lock file by its holder; nil when none can be read. The holder writes it just after
    /// taking the lock, so an empty file is read again for up to a second.
    public static func holder(lockPath: String) -> Int32? {
        for _ in 0..<20 {
            if let text = try? String(contentsOfFile: lockPath, encoding: .utf8),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            usleep(50_000)
        }
        return nil
    }
}
