import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// One writer per database, and readers that never write.
@Suite("Database access: writer lock and read-only opening")
struct DatabaseAccessTests {
    @Test func aSecondExclusiveWriterIsRefusedWithTheHoldersPid() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let path = database.path
        let first = try SQLiteStateStore(path: path, exclusive: true)
        let refusal = #expect(throws: StoreError.self) { try SQLiteStateStore(path: path, exclusive: true) }
        #expect(refusal?.code == .locked)
        #expect(refusal?.reason == "\(path) in use by pid \(getpid())")
        // A reader still reads while the writer holds the database.
        #expect(try SQLiteStateStore.openReadOnly(path: path).cursor(upstream: "x") == nil)
        _ = first
    }

    @Test func theWriterLockIsReleasedWithItsStore() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let path = database.path
        do { _ = try SQLiteStateStore(path: path, exclusive: true) }
        _ = try SQLiteStateStore(path: path, exclusive: true)
    }

    @Test func aReadOnlyStoreOpensWithoutWriteAccessAndRefusesWrites() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let path = database.path
        _ = try SQLiteStateStore(path: path)
        let reader = try SQLiteStateStore.openReadOnly(path: path)
        #expect(reader.isReadOnly)
        var batch = StoreBatch()
        batch.cursor = ("x", 1)
        #expect(throws: StoreError.self) { try reader.write(batch) }
        #expect(try SQLiteStateStore(path: path).cursor(upstream: "x") == nil)
    }

    @Test func aReadOnlyOpenNeverCreatesOrMigratesADatabase() throws {
        let missingDatabase = TemporaryDatabase()
        defer { missingDatabase.remove() }
        let missing = missingDatabase.path
        let notFound = #expect(throws: StoreError.self) { try SQLiteStateStore.openReadOnly(path: missing) }
        #expect(notFound?.code == .notFound)
        #expect(!FileManager.default.fileExists(atPath: missing))

        let emptyDatabase = TemporaryDatabase()
        defer { emptyDatabase.remove() }
        let empty = emptyDatabase.path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let notADatabase = #expect(throws: StoreError.self) { try SQLiteStateStore.openReadOnly(path: empty) }
        #expect(notADatabase?.code == .notADatabase)
        #expect(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int == 0)

        let garbageDatabase = TemporaryDatabase()
        defer { garbageDatabase.remove() }
        let garbage = garbageDatabase.path
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 0x41, count: 4096)))
        #expect(throws: StoreError.self) { try SQLiteStateStore.openReadOnly(path: garbage) }
    }
}
