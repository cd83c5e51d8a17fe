import ATRepo
import IPLD
import Testing

/// Random trees and op sequences checked against a plain dictionary model (seeded, deterministic).
@Suite struct MSTPropertyTests {
    /// Record bytes and CID for a value number.
    static func record(_ n: Int) -> (cid: CID, bytes: [UInt8]) {
        let bytes = DAGCBOR.encode(.map(["n": .int(Int64(n))]))
        return (CID.compute(for: bytes), bytes)
    }

    /// A key with a random suffix; every so often mined until it reaches a high layer.
    static func randomKey(_ rng: inout SeededGenerator) -> [UInt8] {
        let collections = ["app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.graph.follow", "A0", "z"]
        let minimumLayer = rng.next() % 16 == 0 ? Int(rng.next() % 4) + 2 : 0
        while true {
            let suffix = String(rng.next() % 1_000_000_000, radix: 36)
            let key = Array("\(collections[Int(rng.next() % UInt64(collections.count))])/\(suffix)".utf8)
            if MSTKey.layer(of: key) >= minimumLayer { return key }
        }
    }

    static func build(_ model: [[UInt8]: CID]) throws -> MST {
        try MST(sorted: model.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.key, $0.value) })
    }

    @Test(arguments: 0..<8)
    func randomOperationSequencesMatchTheModelAndTheCanonicalShape(_ seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed) &* 7919 &+ 1)
        var trees = 0, ops = 0
        for _ in 0..<25 {
            var model: [[UInt8]: CID] = [:]
            var tree = MST()
            var keys: [[UInt8]] = []
            let steps = Int(rng.next() % 120) + 1
            for step in 0..<steps {
                let choice = rng.next() % 10
                if choice < 6 || keys.isEmpty {
                    let key = Self.randomKey(&rng)
                    let value = Self.record(Int(rng.next() % 1000)).cid
                    let previous = try tree.put(key, value)
                    #expect(previous == model[key])
                    if model[key] == nil { keys.append(key) }
                    model[key] = value
                } else if choice < 8 {
                    let key = keys[Int(rng.next() % UInt64(keys.count))]
                    let value = Self.record(Int(rng.next() % 1000)).cid
                    #expect(try tree.put(key, value) == model[key])
                    model[key] = value
                } else {
                    let index = Int(rng.next() % UInt64(keys.count))
                    let key = keys.remove(at: index)
                    #expect(try tree.remove(key) == model.removeValue(forKey: key))
                    #expect(try tree.remove(key) == nil)
                }
                ops += 1
                if step % 17 == 0 {
                    #expect(tree.rootCID == (try Self.build(model)).rootCID)
                }
            }
            // Same root as the canonical build and as inserting in another order.
            let canonical = try Self.build(model)
            #expect(tree.rootCID == canonical.rootCID)
            var shuffled = MST()
            for key in keys.shuffled(using: &rng) { try shuffled.put(key, model[key]!) }
            #expect(shuffled.rootCID == canonical.rootCID)
            // Contents, lookups of present and absent keys, ranges with limits.
            let entries = try tree.entries()
            #expect(entries.map(\.key) == model.keys.sorted { $0.lexicographicallyPrecedes($1) })
            for (key, value) in model { #expect(try tree.get(key) == value) }
            #expect(try tree.get(Self.randomKey(&rng)) == model[Self.randomKey(&rng)])
            if entries.count > 4 {
                let start = entries[1].key, end = entries[entries.count - 2].key
                let ranged = try tree.entries(from: start, to: end, limit: 3)
                #expect(ranged.map(\.key) == Array(entries[1..<min(4, entries.count - 2)].map(\.key)))
            }
            // Reloading from the tree's own blocks gives the same tree.
            var blocks = BlockMap()
            try tree.preorder { node, _ in if let node { blocks.insert(node.bytes, for: node.cid) } }
            #expect(try MST(root: tree.rootCID, blocks: blocks, requireComplete: true).rootCID == tree.rootCID)
            trees += 1
        }
        print("property: seed \(seed): \(trees) trees, \(ops) ops")
    }

    struct CommitScenario {
        var before: MST
        var after: MST
        var ops: [RepoOp]
        var records: [CID: [UInt8]]
    }

    /// A random full tree and a random commit of 1–6 ops on it.
    static func scenario(_ rng: inout SeededGenerator) throws -> CommitScenario {
        var model: [[UInt8]: CID] = [:]
        let size = Int(rng.next() % 300)
        for _ in 0..<size { model[Self.randomKey(&rng)] = Self.record(Int(rng.next() % 1000)).cid }
        let before = try Self.build(model)
        var after = before
        var ops: [RepoOp] = []
        var records: [CID: [UInt8]] = [:]
        var touched = Set<[UInt8]>()
        let existing = model.keys.sorted { $0.lexicographicallyPrecedes($1) }
        for _ in 0..<(Int(rng.next() % 6) + 1) {
            let kind = existing.isEmpty ? 0 : rng.next() % 3
            let key = kind == 0 ? Self.randomKey(&rng) : existing[Int(rng.next() % UInt64(existing.count))]
            guard touched.insert(key).inserted, kind != 0 || model[key] == nil else { continue }
            let path = String(decoding: key, as: UTF8.self)
            let new = Self.record(Int(rng.next() % 100_000) + 1000)
            switch kind {
            case 0:
                try after.put(key, new.cid)
                ops.append(RepoOp(action: .create, path: path, cid: new.cid))
                records[new.cid] = new.bytes
            case 1:
                let previous = try after.put(key, new.cid)
                ops.append(RepoOp(action: .update, path: path, cid: new.cid, prev: previous))
                records[new.cid] = new.bytes
            default:
                let previous = try after.remove(key)
                ops.append(RepoOp(action: .delete, path: path, cid: nil, prev: previous))
            }
        }
        return CommitScenario(before: before, after: after, ops: ops, records: records)
    }

    static func nodeBlocks(_ tree: MST) throws -> Set<CID> {
        var out = Set<CID>()
        try tree.preorder { node, _ in if let node { out.insert(node.cid) } }
        return out
    }

    @Test(arguments: 0..<6)
    func inversionFromTheDiffAloneReturnsToTheOriginalRoot(_ seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 1000)
        var commits = 0, removals = 0, needed = 0, otherOrder = 0
        for _ in 0..<30 {
            let scenario = try Self.scenario(&rng)
            guard !scenario.ops.isEmpty else { continue }
            let diff = try MST.diff(from: scenario.before, to: scenario.after, changedKeys: scenario.ops.map(\.key), records: scenario.records)
            // newNodes is exactly the set difference of the two trees' nodes.
            let expectedNew = try Self.nodeBlocks(scenario.after).subtracting(Self.nodeBlocks(scenario.before))
            #expect(Set(diff.newNodes) == expectedNew)
            #expect(expectedNew.isSubset(of: Set(diff.proofNodes)) || scenario.after.isEmpty)
            let result = CommitProof.verify(data: scenario.after.rootCID, prevData: scenario.before.rootCID, ops: scenario.ops, blocks: diff.blocks)
            #expect(result == .valid(previousData: scenario.before.rootCID), "\(String(describing: result.failure)) \(scenario.ops)")
            // Inverting by hand in a random order of the ops gives the same root.
            var tree = try MST(root: scenario.after.rootCID, blocks: diff.blocks)
            for op in scenario.ops.shuffled(using: &rng) {
                switch op.action {
                case .create: #expect(try tree.remove(op.key) == op.cid)
                case .update: #expect(try tree.put(op.key, op.prev!) == op.cid)
                case .delete: #expect(try tree.put(op.key, op.prev!) == nil)
                }
            }
            #expect(tree.rootCID == scenario.before.rootCID)
            // Removing any one proof node: still valid (not needed, or not needed in another order of inversion) or
            // missing-proof-block naming it.
            for cid in diff.proofNodes where cid != scenario.after.rootCID {
                var blocks = diff.blocks
                blocks.blocks[cid] = nil
                let outcome = CommitProof.verify(data: scenario.after.rootCID, prevData: scenario.before.rootCID, ops: scenario.ops, blocks: blocks)
                if let failure = outcome.failure {
                    #expect(failure.reason == .missingProofBlock)
                    #expect(failure.cid == cid)
                    needed += 1
                } else if case .valid(let previous, let order) = outcome {
                    #expect(previous == scenario.before.rootCID)
                    if order != .normalized { otherOrder += 1 }
                }
                removals += 1
            }
            // Removing the new root always fails.
            var noRoot = diff.blocks
            noRoot.blocks[scenario.after.rootCID] = nil
            if scenario.after.rootCID != MST.emptyRootCID {
                let outcome = CommitProof.verify(data: scenario.after.rootCID, prevData: scenario.before.rootCID, ops: scenario.ops, blocks: noRoot)
                #expect(outcome.failure?.reason == .missingProofBlock)
            }
            // Removing a record block fails the forward check.
            if let (recordCID, _) = scenario.records.first {
                var noRecord = diff.blocks
                noRecord.blocks[recordCID] = nil
                let outcome = CommitProof.verify(data: scenario.after.rootCID, prevData: scenario.before.rootCID, ops: scenario.ops, blocks: noRecord)
                #expect(outcome.failure?.reason == .missingRecordBlock)
            }
            commits += 1
        }
        print("property: seed \(seed): \(commits) commits inverted, \(removals) single-block removals (\(needed) needed, \(otherOrder) proven only in another order)")
        #expect(commits > 20)
    }

    @Test func pathOnlyProofsFailOnTheMergeCase() throws {
        // Deleting the key between two subtrees needs both sibling spines: a slice carrying only
        // the search path (the pre-covering-proof PDS bug) must fail with missing-proof-block.
        var rng = SeededGenerator(seed: 42)
        var found = 0
        for _ in 0..<400 where found < 5 {
            var model: [[UInt8]: CID] = [:]
            for _ in 0..<60 { model[Self.randomKey(&rng)] = Self.record(1).cid }
            let before = try Self.build(model)
            var key = Self.randomKey(&rng)
            while MSTKey.layer(of: key) < 1 { key = Self.randomKey(&rng) }
            var after = before
            guard try after.put(key, Self.record(2).cid) == nil else { continue }
            let pathOnly = try after.searchPath(for: key)
            let full = try MST.diff(from: before, to: after, changedKeys: [key], records: [Self.record(2).cid: Self.record(2).bytes])
            guard Set(full.proofNodes) != Set(pathOnly) else { continue }
            var blocks = BlockMap()
            for cid in pathOnly { blocks.insert(full.blocks.block(for: cid)!, for: cid) }
            blocks.insert(Self.record(2).bytes)
            let ops = [RepoOp(action: .create, path: String(decoding: key, as: UTF8.self), cid: Self.record(2).cid)]
            let outcome = CommitProof.verify(data: after.rootCID, prevData: before.rootCID, ops: ops, blocks: blocks)
            if outcome.failure != nil {
                #expect(outcome.failure?.reason == .missingProofBlock)
                found += 1
            }
        }
        print("property: \(found) path-only slices refused")
        #expect(found == 5)
    }
}

