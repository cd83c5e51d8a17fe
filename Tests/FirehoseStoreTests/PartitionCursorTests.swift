import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Testing

/// Cursors per (upstream, partition) in SQLite (Docs/CONTRACT.md §5): the whole run keeps the bare upstream name,
/// so databases written before partitions existed resume as before.
@Suite("SQLite partition cursors")
struct PartitionCursorTests {
    static func batch(_ position: Int64, _ partition: Partition) -> StoreBatch {
        var batch = StoreBatch()
        batch.cursor = ("wss://relay.example", position)
        batch.partition = partition
        return batch
    }

    @Test func eachPartitionKeepsItsOwnCursorBesideTheWholeRunsCursor() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStateStore(path: database.path)
        let first = try Partition(index: 0, count: 2), second = try Partition(index: 1, count: 2)
        try store.write(Self.batch(10, .whole))
        try store.write(Self.batch(20, first))
        try store.write(Self.batch(30, second))
        try store.write(Self.batch(25, first))
        #expect(try store.cursor(upstream: "wss://relay.example") == 10)
        #expect(try store.cursor(upstream: "wss://relay.example", partition: .whole) == 10)
        #expect(try store.cursor(upstream: "wss://relay.example", partition: first) == 25)
        #expect(try store.cursor(upstream: "wss://relay.example", partition: second) == 30)
        #expect(try store.cursor(upstream: "wss://relay.example", partition: Partition(index: 0, count: 3)) == nil)
        let names = try store.status.summary(recentViolations: 0).cursors
        #expect(Set(names.keys) == ["wss://relay.example", "wss://relay.example partition 0/2", "wss://relay.example partition 1/2"])
    }

    @Test func aFencedWriteIsRefusedBySQLiteWithNothingCommitted() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStateStore(path: database.path)
        var batch = Self.batch(10, .whole)
        batch.fence = Lease(key: LeaseKey(upstream: "wss://relay.example", partition: .whole), holder: "h", epoch: 1, expiresAt: 0)
        #expect(throws: StoreError(.leasesUnsupported, "")) { try store.write(batch) }
        #expect(try store.cursor(upstream: "wss://relay.example") == nil)
    }
}
