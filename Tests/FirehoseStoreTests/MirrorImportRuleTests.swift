import ATCrypto
import ATRepo
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// What a mirror import refuses, tolerates and reconciles.
@Suite struct MirrorImportRuleTests {
    let repo = TestRepo.make(count: 300)

    func importing(_ blocks: [(cid: CID, data: [UInt8])], into store: SQLiteStateStore, did: String = TestRepo.did,
                   key: PublicKey = TestRepo.key.publicKey, filter: MirrorFilter? = nil) throws -> MirrorImportReport {
        let car = CARWriter.write(roots: [blocks[0].cid], blocks: blocks)
        return try store.mirrors.importRepository(did: did, blocks: try CARBytesStream(bytes: car), key: key, filter: filter)
    }

    func expectError(_ code: FirehoseSyncError.Code, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected \(code)")
        } catch let error as FirehoseSyncError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aValidRepositoryImportsEveryRecord() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        let report = try importing(try repo.blocks(), into: store)
        #expect(report.records == 300 && report.kept == 300 && report.created == 300 && report.extraBlocks == 0)
        let stored = try store.allMirrorRecords(did: TestRepo.did)
        #expect(stored.count == 300)
        for record in stored {
            #expect(repo.records["\(record.collection)/\(record.rkey)"] == record.bytes)
            #expect(record.cid == CID.compute(for: record.bytes))
        }
    }

    /// A `#sync` stale mark spares a mirror that already holds that root, or a repository at that rev or later;
    /// any other mark makes the mirror stale.
    @Test func aSyncStaleMarkSparesAMirrorAlreadyAtItsRootOrALaterRev() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        _ = try importing(try repo.blocks(), into: store)
        let root = try repo.tree().rootCID
        func mark(_ update: MirrorUpdate) throws -> String? {
            var batch = StoreBatch()
            batch.mirrorUpdates = [update]
            try store.write(batch)
            return try store.mirrors.mirror(did: TestRepo.did)?.stale
        }
        #expect(try mark(.stale(did: TestRepo.did, reason: "same root", unlessRoot: root)) == nil)
        #expect(try mark(.stale(did: TestRepo.did, reason: "older sync", unlessRoot: CID.compute(for: [1]), unlessRevAtLeast: "3laaaaaaaaa22")) == nil)
        #expect(try mark(.stale(did: TestRepo.did, reason: "same rev", unlessRoot: CID.compute(for: [1]), unlessRevAtLeast: repo.rev)) == nil)
        #expect(try mark(.stale(did: TestRepo.did, reason: "newer sync", unlessRoot: CID.compute(for: [1]), unlessRevAtLeast: "3lccccccccc22")) == "newer sync")
    }

    @Test func aTamperedBlockIsABlockCIDMismatch() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        var blocks = try repo.blocks()
        let index = blocks.count - 1
        blocks[index].data[blocks[index].data.count - 2] ^= 0x01
        expectError(.blockCIDMismatch) { _ = try importing(blocks, into: store) }
        #expect(try store.mirrors.mirror(did: TestRepo.did) == nil)
    }

    @Test func aMissingRecordIsMissingRecordBlock() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        let recordCIDs = Set(repo.sortedEntries.map(\.value))
        var blocks = try repo.blocks()
        let index = try #require(blocks.lastIndex { recordCIDs.contains($0.cid) })
        blocks.remove(at: index)
        expectError(.missingRecordBlock) { _ = try importing(blocks, into: store) }
        #expect(try store.mirrors.mirror(did: TestRepo.did) == nil)
        #expect(try store.allMirrorRecords(did: TestRepo.did).isEmpty)
    }

    @Test func aMissingNodeIsMissingProofBlock() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        var blocks = try repo.blocks()
        // blocks[1] is the root node; drop the next node (a subtree).
        let recordCIDs = Set(repo.sortedEntries.map(\.value))
        let index = try #require(blocks.indices.dropFirst(2).first { !recordCIDs.contains(blocks[$0].cid) })
        blocks.remove(at: index)
        expectError(.missingProofBlock) { _ = try importing(blocks, into: store) }
    }

    @Test func extraUnreferencedBlocksAreToleratedAndReported() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        var blocks = try repo.blocks()
        let extraRecord = DAGCBOR.encode(.map(["$type": .string("app.bsky.feed.post"), "text": .string("stray")]))
        let extraNode = DAGCBOR.encode(.map(["e": .list([]), "l": .link(CID.compute(for: [1, 2, 3]))]))
        blocks.insert((CID.compute(for: extraRecord), extraRecord), at: 3)
        blocks.append((CID.compute(for: extraNode), extraNode))
        blocks.append(blocks[5])  // a duplicate is not an extra
        let report = try importing(blocks, into: store)
        #expect(report.extraBlocks == 2)
        #expect(Set(report.extraBlockSample) == [CID.compute(for: extraRecord), CID.compute(for: extraNode)])
        #expect(report.records == 300)
        #expect(try store.allMirrorRecords(did: TestRepo.did).count == 300)
    }

    @Test func aWrongKeyIsABadSignature() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        let other = PrivateKey.derive(curve: .p256, seed: Array(repeating: 9, count: 32))
        expectError(.badSignature) { _ = try importing(try repo.blocks(), into: store, key: other.publicKey) }
        expectError(.badSignature) { _ = try importing(try repo.blocks(key: other), into: store) }
        #expect(try store.mirrors.mirror(did: TestRepo.did) == nil)
    }

    @Test func anotherAccountsRepositoryIsADIDMismatch() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        expectError(.didMismatch) { _ = try importing(try repo.blocks(), into: store, did: "did:plc:someoneelse0000000000000") }
    }

    @Test func aMissingCommitBlockIsACARRootMismatch() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        let blocks = try repo.blocks()
        let car = CARWriter.write(roots: [blocks[0].cid], blocks: Array(blocks.dropFirst()))
        expectError(.carRootMismatch) {
            _ = try store.mirrors.importRepository(did: TestRepo.did, blocks: try CARBytesStream(bytes: car), key: TestRepo.key.publicKey)
        }
    }

    @Test func aCollectionFilterStoresOnlyThoseCollectionsYetVerifiesTheWholeRoot() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        let filter = try MirrorFilter(["app.bsky.feed.*"])
        let report = try importing(try repo.blocks(), into: store, filter: filter)
        #expect(report.records == 300 && report.kept == 150)
        let stored = try store.allMirrorRecords(did: TestRepo.did)
        #expect(stored.count == 150)
        #expect(stored.allSatisfy { $0.collection.hasPrefix("app.bsky.feed.") })
        #expect(try store.mirrors.mirror(did: TestRepo.did)?.data == (try repo.tree().rootCID))
        // A broken record outside the kept collections still fails the import.
        var blocks = try repo.blocks()
        let follows = Set(repo.sortedEntries.filter { String(decoding: $0.key, as: UTF8.self).hasPrefix("app.bsky.graph.follow/") }.map(\.value))
        blocks.removeAll { follows.contains($0.cid) }
        expectError(.missingRecordBlock) { _ = try importing(blocks, into: store, filter: filter) }
        // A filtered mirror is not a complete repository.
        expectError(.mirrorFiltered) { _ = try store.exportedCAR(did: TestRepo.did) }
        // Single-collection filters match exactly.
        let single = try MirrorFilter(["com.example.thing"])
        #expect(single.matches("com.example.thing") && !single.matches("com.example.things") && !single.matches("com.example"))
        #expect(filter.matches("app.bsky.feed.post") && !filter.matches("app.bsky.feedx") && !filter.matches("app.bsky.graph.follow"))
        #expect(throws: FirehoseSyncError.self) { try MirrorFilter(["app..*"]) }
        #expect(throws: FirehoseSyncError.self) { try MirrorFilter(["not an nsid"]) }
    }

    @Test func aReimportReconcilesCreatedUpdatedAndDeletedRecords() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        _ = try importing(try repo.blocks(), into: store)
        var next = repo
        next.rev = "3lbbbbbbbbc22"
        let paths = repo.records.keys.sorted()
        for path in paths.prefix(10) { next.records.removeValue(forKey: path) }  // 10 deleted
        for path in paths.dropFirst(10).prefix(7) {  // 7 updated
            next.records[path] = TestRepo.record(collection: String(path.split(separator: "/")[0]), i: 0, variant: Int.random(in: 1...1000) + 1000)
        }
        for i in 0..<5 { next.records["app.bsky.feed.post/3z\(i)"] = TestRepo.record(collection: "app.bsky.feed.post", i: 9000 + i, variant: 0) }
        let report = try importing(try next.blocks(), into: store)
        #expect(report.created == 5 && report.updated == 7 && report.deleted == 10)
        #expect(report.kept == 295)
        let stored = try store.allMirrorRecords(did: TestRepo.did)
        #expect(Dictionary(uniqueKeysWithValues: stored.map { ("\($0.collection)/\($0.rkey)", $0.bytes) }) == next.records)
        #expect(try store.exportedCAR(did: TestRepo.did) == (try next.car()))
    }

    @Test func anExportFollowsSpecOrderAndEqualsTheSourceRepository() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        _ = try importing(try repo.blocks(), into: store)
        #expect(try store.exportedCAR(did: TestRepo.did) == (try repo.car()))
        // Queries: one collection, paging with a cursor, a single record.
        let likes = try store.mirrors.records(did: TestRepo.did, collection: "app.bsky.feed.like", limit: 1000)
        #expect(likes.count == 75)
        let firstPage = try store.mirrors.records(did: TestRepo.did, limit: 100)
        let secondPage = try store.mirrors.records(did: TestRepo.did, after: firstPage.last?.cursor, limit: 100)
        #expect(firstPage.count == 100 && secondPage.count == 100)
        #expect(Set(firstPage.map(\.cursor)).isDisjoint(with: secondPage.map(\.cursor)))
        #expect(firstPage.map { [$0.collection, $0.rkey] } == firstPage.map { [$0.collection, $0.rkey] }.sorted { $0.lexicographicallyPrecedes($1) })
        let one = try #require(likes.first)
        #expect(try store.mirrors.record(did: TestRepo.did, collection: one.collection, rkey: one.rkey) == one)
        #expect(try store.mirrors.record(did: TestRepo.did, collection: one.collection, rkey: "nope") == nil)
        // Remove deletes the mirror and its records.
        #expect(try store.mirrors.remove(did: TestRepo.did))
        #expect(try store.mirrors.mirror(did: TestRepo.did) == nil && (try store.allMirrorRecords(did: TestRepo.did)).isEmpty)
        #expect(try !store.mirrors.remove(did: TestRepo.did))
    }

    @Test func anImportOlderThanTheVerifiedAccountStateLeavesTheMirrorStale() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        var batch = StoreBatch()
        batch.accounts[TestRepo.did] = AccountState(did: TestRepo.did, rev: "3lzzzzzzzzz22", data: CID.compute(for: [1]), commit: CID.compute(for: [2]))
        try store.write(batch)
        let report = try importing(try repo.blocks(), into: store)
        #expect(!report.accountUpdated && report.stale != nil)
        #expect(try store.mirrors.mirror(did: TestRepo.did)?.stale != nil)
        #expect(try store.accounts([TestRepo.did])[TestRepo.did]?.rev == "3lzzzzzzzzz22")
    }
}
