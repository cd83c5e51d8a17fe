import ATCrypto
import ATRepo
@testable import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// The bounded-memory import and export (blocks staged on disk, the tree walked and rebuilt node by node):
/// block order does not matter, duplicates are not extras, shared records are written once, and the rules hold
/// on real repositories too (Docs/SPEC.md §6).
@Suite struct MirrorLargeRepositoryTests {
    static func shuffled<T>(_ items: [T], seed: UInt64) -> [T] {
        var rng = SplitMix(state: seed)
        var out = items
        for index in stride(from: out.count - 1, to: 0, by: -1) {
            out.swapAt(index, Int(rng.next() % UInt64(index + 1)))
        }
        return out
    }

    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
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

    @Test func blocksInAnyOrderWithDuplicatesImportAndExportTheSame() throws {
        let repo = TestRepo.make(count: 3_000)
        let ordered = try repo.blocks()
        // The commit first, then everything shuffled, with some blocks repeated.
        var rest = Self.shuffled(Array(ordered.dropFirst()), seed: 42)
        rest.append(contentsOf: rest.prefix(50))
        rest = Self.shuffled(rest, seed: 7)
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        let car = CARWriter.write(roots: [ordered[0].cid], blocks: [ordered[0]] + rest)
        let report = try store.mirrors.importRepository(did: TestRepo.did, blocks: try CARBytesStream(bytes: car), key: TestRepo.key.publicKey)
        #expect(report.records == 3_000 && report.created == 3_000 && report.extraBlocks == 0)
        #expect(report.blocks == ordered.count + 50)
        #expect(report.data == (try repo.tree().rootCID))
        // The export is in Docs/SPEC.md §6 order whatever order the import came in.
        #expect(try store.exportedCAR(did: TestRepo.did) == (try repo.car()))
    }

    @Test func aRecordStoredUnderSeveralKeysIsExportedOnceAndReimports() throws {
        var repo = TestRepo.make(count: 200)
        let shared = TestRepo.record(collection: "app.bsky.feed.like", i: 1, variant: 0)
        for i in 0..<5 { repo.records["app.bsky.feed.like/3zz\(i)"] = shared }
        let database = TemporaryDatabase()
        let second = TemporaryDatabase()
        defer { database.remove(); second.remove() }
        let store = try database.open()
        _ = try store.mirrors.importRepository(did: TestRepo.did, blocks: try CARBytesStream(bytes: try repo.car()), key: TestRepo.key.publicKey)
        let exported = try store.exportedCAR(did: TestRepo.did)
        let file = try CARFile(bytes: exported)
        #expect(file.blocks.count == Set(file.blocks.map(\.cid)).count, "every block once")
        #expect(exported == (try repo.car()))
        let again = try second.open()
        let report = try again.mirrors.importRepository(did: TestRepo.did, blocks: try CARBytesStream(bytes: exported), key: TestRepo.key.publicKey)
        #expect(report.records == 205 && report.extraBlocks == 0)
    }

    @Test func anEmptyRepositoryImportsAndExports() throws {
        let repo = TestRepo.make(count: 0)
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        let report = try store.mirrors.importRepository(did: TestRepo.did, blocks: try CARBytesStream(bytes: try repo.car()), key: TestRepo.key.publicKey)
        #expect(report.records == 0 && report.data == MST.emptyRootCID && report.extraBlocks == 0)
        #expect(try store.exportedCAR(did: TestRepo.did) == (try repo.car()))
    }

    /// Every repository-shaped file under the shared vectors is covered: the full repositories by
    /// ``MirrorVectorTests``, the one partial slice refused here.
    @Test func everyRepositoryVectorIsImportedOrRefused() throws {
        let root = Vectors.root
        var found: [String] = []
        let enumerator = try #require(FileManager.default.enumerator(atPath: root.path))
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".car") || path.hasSuffix(".repo") { found.append(path) }
        }
        let covered = Set(MirrorVectorTests.cases.map(\.path))
        let partial = "indigo/testing/testdata/repo_slice.car"
        #expect(Set(found) == covered.union([partial]), "\(found.sorted())")
        print("vectors: repository files \(found.count): \(covered.count) full repositories, 1 partial slice")

        let car = [UInt8](try Vectors.data(partial))
        let did = try MirrorVectorTests.commitDID(car)
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try database.open()
        do {
            _ = try store.mirrors.importRepository(did: did, blocks: try CARBytesStream(bytes: car), checkingSignatureWith: nil, filter: nil)
            Issue.record("a partial slice must not import")
        } catch let error as FirehoseSyncError {
            #expect([.missingProofBlock, .missingRecordBlock].contains(error.code), "\(error)")
        }
        #expect(try store.mirrors.mirror(did: did) == nil)
    }

    /// The rules on a real repository (calabro.car, 4,347 records, published without its key): a tampered
    /// block, a missing record, a missing node, an extra block, a wrong key, and a collection filter that still
    /// verifies the records it does not keep.
    @Test func theRulesHoldOnARealRepository() throws {
        let path = "shrike/benches/fixtures/calabro.car"
        let car = [UInt8](try Vectors.data(path))
        let file = try CARFile(bytes: car)
        let did = try MirrorVectorTests.commitDID(car)
        let commitCID = file.roots[0]
        let blocks = file.blocks.map { (cid: $0.cid, data: Array($0.data)) }
        var byCID = BlockMap()
        for block in blocks { byCID.insert(block.data, for: block.cid) }
        let repository = try Repository(commit: commitCID, blocks: byCID)
        var nodes: [CID] = []
        var records: [(key: String, cid: CID)] = []
        try repository.tree.preorder { node, _ in if let node { nodes.append(node.cid) } }
        _ = try repository.tree.forEach { key, value in
            records.append((String(decoding: key, as: UTF8.self), value))
            return true
        }
        func attempt(_ blocks: [(cid: CID, data: [UInt8])], key: PublicKey? = nil, filter: MirrorFilter? = nil) throws -> MirrorImportReport {
            let database = TemporaryDatabase()
            defer { database.remove() }
            let store = try database.open()
            let car = CARWriter.write(roots: [commitCID], blocks: blocks)
            if let key { return try store.mirrors.importRepository(did: did, blocks: try CARBytesStream(bytes: car), key: key, filter: filter) }
            return try store.mirrors.importRepository(did: did, blocks: try CARBytesStream(bytes: car), checkingSignatureWith: nil, filter: filter)
        }

        var tampered = blocks
        let recordIndex = try #require(tampered.firstIndex { $0.cid == records[records.count / 2].cid })
        tampered[recordIndex].data[tampered[recordIndex].data.count - 1] ^= 0x20
        expectError(.blockCIDMismatch) { _ = try attempt(tampered) }

        let missingRecord = blocks.filter { $0.cid != records[records.count / 3].cid }
        expectError(.missingRecordBlock) { _ = try attempt(missingRecord) }

        let missingNode = blocks.filter { $0.cid != nodes[nodes.count / 2] }
        expectError(.missingProofBlock) { _ = try attempt(missingNode) }

        let stray = DAGCBOR.encode(.map(["$type": .string("app.bsky.feed.post"), "text": .string("not in the tree")]))
        let extra = try attempt(blocks + [(CID.compute(for: stray), stray)])
        #expect(extra.extraBlocks == 1 && extra.extraBlockSample == [CID.compute(for: stray)] && extra.records == 4_347)

        expectError(.badSignature) { _ = try attempt(blocks, key: TestRepo.key.publicKey) }

        let likes = try MirrorFilter(["app.bsky.feed.like"])
        let filtered = try attempt(blocks, filter: likes)
        let likeCount = records.filter { $0.key.hasPrefix("app.bsky.feed.like/") }.count
        #expect(filtered.records == 4_347 && filtered.kept == likeCount && likeCount > 0 && likeCount < 4_347)
        let notALike = try #require(records.first { !$0.key.hasPrefix("app.bsky.feed.like/") })
        expectError(.missingRecordBlock) { _ = try attempt(blocks.filter { $0.cid != notALike.cid }, filter: likes) }
    }
}
