import FirehoseTesting
import Foundation
import GRDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `breakwater prune --older-than DAYS`: retention of violations (with their frames) and per-minute audit rows.
@Suite("prune", .serialized)
struct PruneTests {
    static let day: Int64 = 86_400_000_000

    /// A replayed database of rule-bad-signature in which the violation of seq 9 and one per-minute audit row are
    /// ten days old.
    static func database() throws -> (folder: URL, db: String) {
        let (folder, db) = try ViolationEvidenceTests.database()
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let queue = try DatabaseQueue(path: db)
        try queue.write { db in
            try db.execute(sql: "UPDATE violations SET processed_at = ? WHERE seq = 9", arguments: [now - 10 * day])
            try db.execute(sql: "INSERT OR REPLACE INTO audit_minutes (minute, outcome, count) VALUES (?, 'verified', 5)",
                           arguments: [(now - 10 * day) / 60_000_000])
            try db.execute(sql: "INSERT OR REPLACE INTO audit_minutes (minute, outcome, count) VALUES (?, 'verified', 7)",
                           arguments: [now / 60_000_000])
        }
        try queue.close()
        return (folder, db)
    }

    static func count(_ db: String, _ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        return try queue.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    @Test("violations and per-minute audit rows older than DAYS are deleted, newer ones kept")
    func olderRowsAreDeletedNewerKept() throws {
        let (folder, db) = try Self.database()
        defer { try? FileManager.default.removeItem(at: folder) }
        let violationsBefore = try Self.count(db, "SELECT COUNT(*) FROM violations")
        let minutesBefore = try Self.count(db, "SELECT COUNT(*) FROM audit_minutes")
        // The replay counts its events in the minutes of their own time (old for a bundled recording).
        let weekAgo = (Int64(Date().timeIntervalSince1970 * 1_000_000) - 7 * Self.day) / 60_000_000
        let oldMinutes = try Self.count(db, "SELECT COUNT(*) FROM audit_minutes WHERE minute < \(weekAgo - 1)")
        #expect(oldMinutes >= 1)
        let result = try BreakwaterBinary.run(["prune", "--older-than", "7", "--db", db, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["violations"] as? Int == 1)
        #expect(object?["auditMinutes"] as? Int == oldMinutes)
        #expect(try Self.count(db, "SELECT COUNT(*) FROM violations WHERE seq = 9") == 0)
        #expect(try Self.count(db, "SELECT COUNT(*) FROM violations") == violationsBefore - 1)
        #expect(try Self.count(db, "SELECT COUNT(*) FROM audit_minutes") == minutesBefore - oldMinutes)
        #expect(try Self.count(db, "SELECT COUNT(*) FROM audit_minutes WHERE count = 7") == 1)
        let status = try BreakwaterBinary.run(["status", "--db", db, "--violation", "9"])
        #expect(status.stderr.hasPrefix("error: no-such-violation: "), "\(status.stderr)")
        let all = try BreakwaterBinary.run(["prune", "--older-than", "0", "--db", db])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(try Self.count(db, "SELECT COUNT(*) FROM violations") == 0)
    }

    @Test("prune is a writing command: refused with database-locked while another process holds the writer lock")
    func pruneTakesTheWriterLock() throws {
        let (folder, db) = try Self.database()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fd = open(db + ".lock", O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let refused = try BreakwaterBinary.run(["prune", "--older-than", "0", "--db", db])
        close(fd)
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("error: database-locked: "), "\(refused.stderr)")
        #expect(try Self.count(db, "SELECT COUNT(*) FROM violations") > 0)
    }
}
