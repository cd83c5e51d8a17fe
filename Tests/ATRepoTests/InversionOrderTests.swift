import ATRepo
import IPLD
import Testing

/// A slice that proves the change in some order proves it (Docs/CONTRACT.md §3 step 8): the MST is a function of its key
/// set, so any order of inversion that completes from the slice's blocks alone reaches the same root. The fixed
/// order is tried first, then the reverse of the listed order, then the listed order.
@Suite struct InversionOrderTests {
    /// A minimal slice for one order: the covering proof with every node that `order` does not need removed, one at
    /// a time (a PDS that replays its inverse ops in that order ships exactly these nodes).
    static func minimalSlice(for order: [RepoOp], _ scenario: MSTPropertyTests.CommitScenario, diff: MSTDiff) -> BlockMap {
        var blocks = diff.blocks
        for cid in diff.proofNodes where cid != scenario.after.rootCID {
            var without = blocks
            without.blocks[cid] = nil
            if let tree = try? MST(root: scenario.after.rootCID, blocks: without),
               case .success(let root) = CommitProof.invert(order, on: tree), root == scenario.before.rootCID {
                blocks = without
            }
        }
        return blocks
    }

    /// A commit as a PDS makes them: records keyed by increasing TIDs in one collection, 2–4 ops mixing creates of new
    /// records at the end with deletes of existing ones near it (the shape where orders need different nodes).
    static func pdsShapedScenario(_ rng: inout SeededGenerator) throws -> MSTPropertyTests.CommitScenario {
        func key(_ n: Int) -> [UInt8] { Array("app.bsky.feed.post/3l\(String(1_000_000 + n * 37, radix: 36))".utf8) }
        let size = 20 + Int(rng.next() % 400)
        let before = try MST(sorted: (0..<size).map { (key($0), MSTPropertyTests.record($0).cid) })
        var after = before
        var ops: [RepoOp] = []
        var records: [CID: [UInt8]] = [:]
        var next = size
        var deleted = Set<Int>()
        for _ in 0..<(2 + Int(rng.next() % 3)) {
            if rng.next() % 2 == 0 {
                let n = size - 1 - Int(rng.next() % UInt64(min(size, 12)))
                guard deleted.insert(n).inserted else { continue }
                let previous = try after.remove(key(n))
                ops.append(RepoOp(action: .delete, path: String(decoding: key(n), as: UTF8.self), cid: nil, prev: previous))
            } else {
                let record = MSTPropertyTests.record(next + 50_000)
                try after.put(key(next), record.cid)
                ops.append(RepoOp(action: .create, path: String(decoding: key(next), as: UTF8.self), cid: record.cid))
                records[record.cid] = record.bytes
                next += 1
            }
        }
        return MSTPropertyTests.CommitScenario(before: before, after: after, ops: ops, records: records)
    }

    static func completes(_ order: [RepoOp], _ scenario: MSTPropertyTests.CommitScenario, _ blocks: BlockMap) -> Bool {
        guard let tree = try? MST(root: scenario.after.rootCID, blocks: blocks),
              case .success(let root) = CommitProof.invert(order, on: tree) else { return false }
        return root == scenario.before.rootCID
    }

    /// Every slice pared down for the reverse or the listed order verifies, naming the order whenever the fixed order
    /// cannot complete from it; and the same slice with a wrong `prevData` is an inversion mismatch, never a proof.
    @Test(arguments: 0..<4)
    func aSliceProvingTheChangeInAnyTriedOrderVerifies(_ seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 7000)
        var checked = 0, reverse = 0, listed = 0
        for round in 0..<120 {
            let scenario = round % 2 == 0 ? try MSTPropertyTests.scenario(&rng) : try Self.pdsShapedScenario(&rng)
            guard scenario.ops.count >= 2 else { continue }
            let diff = try MST.diff(from: scenario.before, to: scenario.after, changedKeys: scenario.ops.map(\.key), records: scenario.records)
            for (order, expected) in [(Array(scenario.ops.reversed()), InversionOrder.reverseListed), (scenario.ops, .listed)] {
                let slice = Self.minimalSlice(for: order, scenario, diff: diff)
                let result = CommitProof.verify(data: scenario.after.rootCID, prevData: scenario.before.rootCID, ops: scenario.ops, blocks: slice)
                guard case .valid(let previous, let used) = result else {
                    Issue.record("a slice that proves the change in \(expected) order was refused: \(String(describing: result.failure))")
                    continue
                }
                #expect(previous == scenario.before.rootCID)
                let normalizedCompletes = Self.completes(CommitProof.normalizedOrder(scenario.ops), scenario, slice)
                if normalizedCompletes {
                    #expect(used == .normalized)
                } else {
                    #expect(used != .normalized)
                    if used == .reverseListed { reverse += 1 } else { listed += 1 }
                }
                let wrong = CommitProof.verify(data: scenario.after.rootCID, prevData: scenario.after.rootCID, ops: scenario.ops, blocks: slice)
                #expect(wrong.failure?.reason == .inversionMismatch)
                checked += 1
            }
        }
        print("inversion orders: seed \(seed): \(checked) pared slices verified, \(reverse) only in reverse order, \(listed) only in listed order")
        #expect(checked > 20)
        #expect(reverse + listed > 0, "no pared slice needed another order: the fallback went unexercised")
    }

    /// A node that every order needs keeps the answer `missing-proof-block`, naming the node the fixed order missed.
    @Test func aNodeNeededInEveryOrderIsStillAMissingProofBlock() throws {
        var rng = SeededGenerator(seed: 99)
        var refused = 0
        for _ in 0..<40 {
            let scenario = try MSTPropertyTests.scenario(&rng)
            guard !scenario.ops.isEmpty else { continue }
            let diff = try MST.diff(from: scenario.before, to: scenario.after, changedKeys: scenario.ops.map(\.key), records: scenario.records)
            for cid in diff.proofNodes where cid != scenario.after.rootCID {
                var blocks = diff.blocks
                blocks.blocks[cid] = nil
                let orders = [CommitProof.normalizedOrder(scenario.ops), Array(scenario.ops.reversed()), scenario.ops]
                guard !orders.contains(where: { Self.completes($0, scenario, blocks) }) else { continue }
                let result = CommitProof.verify(data: scenario.after.rootCID, prevData: scenario.before.rootCID, ops: scenario.ops, blocks: blocks)
                #expect(result.failure?.reason == .missingProofBlock)
                #expect(result.failure?.cid == cid)
                refused += 1
            }
        }
        #expect(refused > 10)
    }
}
