import FirehoseTesting
import Foundation
import GRDB
import Testing

/// `status` shows each partition's cursor with its rate: the stream positions the cursor moved per second over its
/// rate window (up to a minute, ending at its last write), 0 once the cursor has not moved for a minute. The whole
/// run's cursor line keeps its form, rate or not, so the output of an unpartitioned database is unchanged.
@Suite("status: partition rates")
struct StatusPartitionRateTests {
    /// A partition cursor as stored: position, last write, window start (position and time, microseconds).
    struct StoredCursor: Sendable, CustomTestStringConvertible {
        let name: String
        let position: Int64
        let updatedAt: Int64
        let windowPosition: Int64?
        let windowAt: Int64?
        /// `updatedAt` and `windowAt` are microseconds before now. The line `status` prints for it.
        let line: String

        var testDescription: String { line }
    }

    /// Times are microseconds before the test runs (`ago`), so a write a minute or more back reads as a stopped cursor.
    static let cursors = [
        StoredCursor(name: "wss://relay.test partition 0/2", position: 300, updatedAt: 2_000_000, windowPosition: 100,
                     windowAt: 3_000_000, line: "  wss://relay.test partition 0/2  300  200 events/s"),
        StoredCursor(name: "wss://relay.test partition 1/2", position: 1_050, updatedAt: 1_000_000, windowPosition: 50,
                     windowAt: 5_000_000, line: "  wss://relay.test partition 1/2  1050  250 events/s"),
        StoredCursor(name: "wss://relay.test partition 1/3", position: 900, updatedAt: 61_000_000, windowPosition: 100,
                     windowAt: 62_000_000, line: "  wss://relay.test partition 1/3  900  0 events/s"),
        StoredCursor(name: "wss://relay.test partition 2/3", position: 50, updatedAt: 5_000_000, windowPosition: 50,
                     windowAt: 5_000_000, line: "  wss://relay.test partition 2/3  50"),
        StoredCursor(name: "wss://relay.test partition 0/3", position: 70, updatedAt: 5_000_000, windowPosition: nil,
                     windowAt: nil, line: "  wss://relay.test partition 0/3  70"),
    ]

    @Test(arguments: cursors)
    func aPartitionCursorLineCarriesItsRateAndTheOtherLinesAreUnchanged(_ cursor: StoredCursor) throws {
        let database = TemporaryDatabase(label: "bw-status-rate").url
        defer { TemporaryDatabase.remove(database.path) }
        let demo = Vectors.projectRoot.appendingPathComponent("Replays/demo").path
        let replay = try BreakwaterBinary.run(["replay", demo, "--db", database.path])
        try #require(replay.status == 0, "replay of the demo failed: \(replay.stderr)")
        let queue = try DatabaseQueue(path: database.path)
        // The whole run's cursor gets a window that would give it a rate: its line must not change.
        try queue.write { db in
            try db.execute(sql: "INSERT INTO cursors (upstream, position, updated_at, window_position, window_at) VALUES ('wss://whole.test', 9, 3000000, 1, 1000000)")
        }
        let before = try BreakwaterBinary.run(["status", "--db", database.path])
        try #require(before.status == 0, "\(before.stderr)")
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO cursors (upstream, position, updated_at, window_position, window_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [cursor.name, cursor.position, now - cursor.updatedAt, cursor.windowPosition,
                                       cursor.windowAt.map { now - $0 }])
        }
        try queue.close()
        let after = try BreakwaterBinary.run(["status", "--db", database.path])
        try #require(after.status == 0, "\(after.stderr)")
        let lines = after.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains(cursor.line), "status printed:\n\(after.stdout)")
        #expect(before.stdout.contains("\n  wss://whole.test  9\n"), "status printed:\n\(before.stdout)")
        #expect(lines.filter { $0 != cursor.line }.joined(separator: "\n") == before.stdout, "only the partition's line was added")
    }
}
