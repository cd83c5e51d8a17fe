import ATRepo
import FirehoseTesting
import IPLD
import Testing

/// The bounded-memory tree tools used by large imports and exports agree with the in-memory MST:
/// ``MSTStreamBuilder`` builds the same tree as `MST(sorted:)`, ``MSTWalker`` refuses what the loader refuses
/// and visits blocks in export order, and ``RepositoryVerifier/verify(root:blocks:record:)``
/// accepts and refuses what ``Repository/init(commit:blocks:acceptVersion2:)`` does.
@Suite struct MSTStreamingTests {
    static func entries(count: Int, seed: UInt64) -> [(key: [UInt8], value: CID)] {
        var rng = SeededGenerator(seed: seed)
        var model: [[UInt8]: CID] = [:]
        while model.count < count {
            model[MSTPropertyTests.randomKey(&rng)] = MSTPropertyTests.record(Int(rng.next() % 1000)).cid
        }
        return model.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.key, $0.value) }
    }

    static let sizes = [0, 1, 2, 3, 5, 17, 64, 250, 1_000, 4_000]

    @Test(arguments: sizes)
    func aTreeBuiltEntryByEntryEqualsTheBatchBuildNodeForNode(_ count: Int) throws {
        let entries = Self.entries(count: count, seed: UInt64(count) &+ 11)
        let tree = try MST(sorted: entries)
        var builder = MSTStreamBuilder()
        var emitted: [CID: [UInt8]] = [:]
        var order: [CID] = []
        let emit: (CID, [UInt8]) throws -> Void = { cid, bytes in
            emitted[cid] = bytes
            order.append(cid)
        }
        for entry in entries { try builder.append(key: entry.key, value: entry.value, emit: emit) }
        let root = try builder.finish(emit: emit)
        #expect(root == tree.rootCID)
        #expect(order.last == root, "the root comes last (post-order)")
        var expected: [CID: [UInt8]] = [:]
        try tree.preorder { node, _ in if let node { expected[node.cid] = node.bytes } }
        #expect(emitted == expected)
        #expect(order.count == expected.count, "each node emitted once")
    }

    @Test func keysOutOfOrderAreRefused() throws {
        var builder = MSTStreamBuilder()
        let value = MSTPropertyTests.record(1).cid
        try builder.append(key: Array("b/1".utf8), value: value)
        #expect(throws: ATRepoError.self) { try builder.append(key: Array("a/1".utf8), value: value) }
        #expect(throws: ATRepoError.self) { try builder.append(key: Array("b/1".utf8), value: value) }
        #expect(throws: ATRepoError.self) { try builder.append(key: [], value: value) }
    }

    @Test(arguments: [0, 1, 250, 4_000])
    func theWalkVisitsTheExportOrder(_ count: Int) throws {
        let entries = Self.entries(count: count, seed: UInt64(count) &+ 99)
        let tree = try MST(sorted: entries)
        var blocks = BlockMap()
        var expected: [String] = []
        try tree.preorder { node, record in
            if let node {
                blocks.insert(node.bytes, for: node.cid)
                expected.append("node \(node.cid)")
            }
            if let record { expected.append("entry \(record)") }
        }
        var walked: [String] = []
        var keys: [[UInt8]] = []
        try MSTWalker.walk(root: tree.rootCID, blocks: blocks) { step in
            switch step {
            case .node(let cid, let bytes):
                #expect(CID.compute(for: bytes) == cid)
                walked.append("node \(cid)")
            case .entry(let key, let value):
                walked.append("entry \(value)")
                keys.append(key)
            }
        }
        #expect(walked == expected)
        #expect(keys == entries.map(\.key))
    }

    @Test(arguments: MSTMalformedNodeTests.cases())
    func theWalkRefusesEveryMalformedNodeLikeTheLoader(_ testCase: MSTMalformedNodeTests.Case) {
        var loaderCode: ATRepoError.Code? = nil
        do { _ = try MST(root: testCase.root, blocks: testCase.blocks, requireComplete: true) } catch { loaderCode = error.code }
        var walkCode: ATRepoError.Code? = nil
        do {
            try MSTWalker.walk(root: testCase.root, blocks: testCase.blocks) { _ in }
        } catch let error as ATRepoError {
            walkCode = error.code
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(loaderCode != nil && walkCode == loaderCode, "loader \(String(describing: loaderCode)), walk \(String(describing: walkCode))")
    }

    /// Every full repository vector: the streamed check finds the same commit and record count as the
    /// in-memory import; with a node or a record removed it fails with the same code.
    @Test(arguments: RepositoryCARTests.cases())
    func theStreamedCheckAgreesWithTheInMemoryImport(_ testCase: RepositoryCARTests.RepoCase) throws {
        let car = try TestCAR([UInt8](try Vectors.data(testCase.path)))
        let blocks = car.blockMap
        let repository = try Repository(commit: car.roots[0], blocks: blocks)
        var keys: [[UInt8]] = []
        let check = try RepositoryVerifier(did: nil, key: nil, acceptVersion2: true).verify(root: car.roots[0], blocks: blocks) { key, cid, bytes in
            #expect(CID.compute(for: bytes, codec: cid.codec) == cid)
            keys.append(key)
        }
        #expect(check.commit.cid == repository.commit.cid && check.recordCount == repository.recordCount)
        #expect(keys == (try repository.tree.entries().map(\.key)))

        var nodes: [CID] = []
        var records: [CID] = []
        try repository.tree.preorder { node, record in
            if let node { nodes.append(node.cid) }
            if let record { records.append(record) }
        }
        for removed in [nodes.last, records.last].compactMap({ $0 }) {
            var damaged = blocks
            damaged.blocks[removed] = nil
            var inMemory: ATRepoError.Code? = nil
            do { _ = try Repository(commit: car.roots[0], blocks: damaged) } catch { inMemory = error.code }
            var streamed: ATRepoError.Code? = nil
            do {
                _ = try RepositoryVerifier(did: nil, key: nil, acceptVersion2: true).verify(root: car.roots[0], blocks: damaged) { _, _, _ in }
            } catch let error as ATRepoError {
                streamed = error.code
            }
            #expect(inMemory != nil && streamed == inMemory)
        }
    }
}
