import ATRepo
import IPLD
import Testing

@Suite struct CommitProofFixtureTests {
    static let file = "interop/firehose/commit-proof-fixtures.json"
    static let expandedFile = "derived/commit-proof-fixtures-expanded.json"

    struct ProofCase: Sendable, CustomStringConvertible {
        let comment: String
        let value: CID
        let keys: [String]
        let adds: [String]
        let dels: [String]
        let before: CID
        let after: CID
        let blocksInProof: Set<CID>
        let proofBlocks: BlockMap
        let beforeBlocks: BlockMap
        let afterBlocks: BlockMap
        var description: String { comment }

        var ops: [RepoOp] {
            adds.map { RepoOp(action: .create, path: $0, cid: value) } + dels.map { RepoOp(action: .delete, path: $0, cid: nil, prev: value) }
        }
    }

    static func cases() -> [ProofCase] {
        let originals = Fixture.array(file)
        let expanded = (Fixture.object(expandedFile)["fixtures"] as? [[String: Any]]) ?? []
        return zip(originals, expanded).map { original, extra in
            precondition(original["comment"] as? String == extra["comment"] as? String)
            return ProofCase(
                comment: original["comment"] as! String, value: Fixture.cid(original["leafValue"] as! String),
                keys: original["keys"] as! [String], adds: original["adds"] as! [String], dels: original["dels"] as! [String],
                before: Fixture.cid(original["rootBeforeCommit"] as! String), after: Fixture.cid(original["rootAfterCommit"] as! String),
                blocksInProof: Set((original["blocksInProof"] as! [String]).map(Fixture.cid)),
                proofBlocks: Fixture.blocks(extra["proofBlocks"]), beforeBlocks: Fixture.blocks(extra["beforeTreeBlocks"]),
                afterBlocks: Fixture.blocks(extra["afterTreeBlocks"]))
        }
    }

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        var out: [[T]] = []
        for index in items.indices {
            var rest = items
            let first = rest.remove(at: index)
            for tail in permutations(rest) { out.append([first] + tail) }
        }
        return out
    }

    @Test func vectorCounts() {
        print("vectors: \(Self.file) + \(Self.expandedFile): \(Self.cases().count) cases")
        #expect(Self.cases().count == 6)
        #expect(Fixture.array(Self.file).count == 6)
    }

    @Test(arguments: cases())
    func beforeAndAfterRootsMatch(_ testCase: ProofCase) throws {
        var tree = try Fixture.tree(testCase.keys, value: testCase.value)
        #expect(tree.rootCID == testCase.before)
        for key in testCase.adds { #expect(try tree.put(Fixture.key(key), testCase.value) == nil) }
        for key in testCase.dels { #expect(try tree.remove(Fixture.key(key)) == testCase.value) }
        #expect(tree.rootCID == testCase.after)
        // Loading the full trees from their blocks gives the same roots.
        #expect(try MST(root: testCase.before, blocks: testCase.beforeBlocks, requireComplete: true).rootCID == testCase.before)
        #expect(try MST(root: testCase.after, blocks: testCase.afterBlocks, requireComplete: true).rootCID == testCase.after)
    }

    @Test(arguments: cases())
    func diffCarriesEveryProofBlock(_ testCase: ProofCase) throws {
        let before = try Fixture.tree(testCase.keys, value: testCase.value)
        var after = before
        for key in testCase.adds { try after.put(Fixture.key(key), testCase.value) }
        for key in testCase.dels { try after.remove(Fixture.key(key)) }
        let diff = try MST.diff(from: before, to: after, changedKeys: (testCase.adds + testCase.dels).map(Fixture.key))
        let produced = Set(diff.proofNodes)
        #expect(testCase.blocksInProof.isSubset(of: produced), "missing \(testCase.blocksInProof.subtracting(produced))")
        // The fixtures' set is exactly the union of covering proofs.
        #expect(produced == testCase.blocksInProof)
        // New nodes are exactly the after-tree nodes absent from the before tree.
        let beforeNodes = Set(testCase.beforeBlocks.blocks.keys)
        let afterNodes = Set(testCase.afterBlocks.blocks.keys)
        #expect(Set(diff.newNodes) == afterNodes.subtracting(beforeNodes))
        for cid in diff.proofNodes { #expect(diff.blocks.block(for: cid) == testCase.afterBlocks.block(for: cid)) }
    }

    @Test(arguments: cases())
    func inversionFromProofBlocksAloneReachesTheBeforeRootInEveryOrder(_ testCase: ProofCase) throws {
        var orders = 0
        for order in Self.permutations(testCase.ops) {
            var tree = try MST(root: testCase.after, blocks: testCase.proofBlocks)
            for op in order {
                switch op.action {
                case .create: #expect(try tree.remove(op.key) == testCase.value)
                default: #expect(try tree.put(op.key, testCase.value) == nil)
                }
            }
            #expect(tree.rootCID == testCase.before)
            orders += 1
        }
        #expect(orders >= 1)
    }

    @Test(arguments: cases())
    func commitProofVerifiesWithTheFixtureBlocks(_ testCase: ProofCase) {
        var blocks = testCase.proofBlocks
        blocks.insert([0xa0])  // a stand-in record block
        let recordCID = CID.compute(for: [0xa0])
        // The fixture's leaf value is not a real block: give each create the stand-in record instead.
        let ops = testCase.ops
        let withRecord = BlockMapWithAlias(base: blocks, alias: testCase.value, target: recordCID)
        let result = CommitProof.verify(data: testCase.after, prevData: testCase.before, ops: ops, blocks: withRecord)
        #expect(result == .valid(previousData: testCase.before))
        // A wrong prevData is an inversion mismatch.
        let wrong = CommitProof.verify(data: testCase.after, prevData: testCase.after, ops: ops, blocks: withRecord)
        #expect(wrong.failure?.reason == .inversionMismatch)
        #expect(wrong.failure?.found == testCase.before)
    }
}

/// A block source that answers for `alias` with the bytes of `target` (lets a fixture's synthetic
/// leaf CID count as a present record block).
struct BlockMapWithAlias: BlockSource {
    let base: BlockMap
    let alias: CID
    let target: CID
    func block(for cid: CID) -> [UInt8]? { base.block(for: cid == alias ? target : cid) }
}
