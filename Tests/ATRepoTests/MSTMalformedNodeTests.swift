import ATRepo
import FirehoseTesting
import IPLD
import Testing

/// Hostile and malformed nodes give `malformed-mst`, never a crash (Docs/SPEC.md §5.4).
@Suite struct MSTMalformedNodeTests {
    static let value = CID.compute(for: [0xa0])

    struct Entry {
        var k: [UInt8]
        var p: Int = 0
        var t: CID? = nil
        var v: CID = MSTMalformedNodeTests.value
    }

    /// A node map with the given entries; `mutate` edits the generic value before encoding.
    static func node(_ entries: [Entry], l: CID? = nil, mutate: (inout [String: IPLDValue], inout [[String: IPLDValue]]) -> Void = { _, _ in }) -> [UInt8] {
        var list: [[String: IPLDValue]] = entries.map {
            ["k": .bytes($0.k), "p": .int(Int64($0.p)), "t": $0.t.map { .link($0) } ?? .null, "v": .link($0.v)]
        }
        var top: [String: IPLDValue] = ["l": l.map { .link($0) } ?? .null]
        mutate(&top, &list)
        if top["e"] == nil { top["e"] = .list(list.map { .map($0) }) }
        return DAGCBOR.encode(.map(top))
    }

    static func k(_ text: String) -> [UInt8] { Array(text.utf8) }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let root: CID
        let blocks: BlockMap
        var description: String { name }
    }

    /// A case whose root is the last block given.
    static func make(_ name: String, _ blocks: [[UInt8]]) -> Case {
        var map = BlockMap()
        var last = MST.emptyRootCID
        for block in blocks { last = map.insert(block) }
        return Case(name: name, root: last, blocks: map)
    }

    static func cases() -> [Case] {
        let leafA = node([Entry(k: k("A0/374913"))])
        let leafB = node([Entry(k: k("B0/601692"))])
        let leafCID = CID.compute(for: leafA)
        let rawCID = CID.compute(for: leafA, codec: .raw)
        return [
            make("keys out of order", [node([Entry(k: k("B0/601692")), Entry(k: k("A0/374913"))])]),
            make("duplicate key", [node([Entry(k: k("A0/374913")), Entry(k: [], p: 9)])]),
            make("p not maximal", [node([Entry(k: k("A0/374913")), Entry(k: k("A0/999999"))])]),  // shares "A0/"
            make("p beyond previous key", [node([Entry(k: k("A0/374913")), Entry(k: k("x"), p: 40)])]),
            make("p on first entry", [node([Entry(k: k("A0/374913"), p: 1)])]),
            make("p too small with suffix re-stating prefix", [node([Entry(k: k("A0/374913")), Entry(k: k("0/952776"), p: 1)])]),
            make("missing t", [node([Entry(k: k("A0/374913"))]) { _, list in list[0]["t"] = nil }]),
            make("missing l", [node([Entry(k: k("A0/374913"))]) { top, _ in top["l"] = nil }]),
            make("extra entry field", [node([Entry(k: k("A0/374913"))]) { _, list in list[0]["x"] = .int(1) }]),
            make("extra node field", [node([Entry(k: k("A0/374913"))]) { top, _ in top["z"] = .null }]),
            make("trailing bytes", [node([Entry(k: k("A0/374913"))]) + [0x00]]),
            make("k as text", [node([Entry(k: k("A0/374913"))]) { _, list in list[0]["k"] = .string("A0/374913") }]),
            make("v null", [node([Entry(k: k("A0/374913"))]) { _, list in list[0]["v"] = .null }]),
            make("p negative", [node([Entry(k: k("A0/374913"))]) { _, list in list[0]["p"] = .int(-1) }]),
            make("empty key", [node([Entry(k: [])])]),
            make("overlong key", [node([Entry(k: Array(repeating: 0x61, count: 1025))])]),
            make("e not a list", [node([]) { top, _ in top["e"] = .map([:]) }]),
            make("not a map", [DAGCBOR.encode(.list([]))]),
            make("non-minimal p", [patched(node([Entry(k: k("A0/374913"))]), from: [0x61, 0x70, 0x00], to: [0x61, 0x70, 0x18, 0x00])]),
            make("non-minimal entry count", [patched(node([Entry(k: k("A0/374913"))]), from: [0x61, 0x65, 0x81], to: [0x61, 0x65, 0x98, 0x01])]),
            make("indefinite entry array", [patched(node([Entry(k: k("A0/374913"))]), from: [0x61, 0x65, 0x81], to: [0x61, 0x65, 0x9f]) + [0xff]]),
            make("mixed layers in one node", [node([Entry(k: k("A0/374913")), Entry(k: k("B1/986427"))])]),
            make("layer-0 node with a subtree", [leafB, node([Entry(k: k("A0/374913"), t: CID.compute(for: leafB))])]),
            make("child of the wrong layer", [leafA, node([Entry(k: k("B2/827649"))], l: leafCID)]),
            make("empty node below the root", [node([]), node([Entry(k: k("B1/986427"))], l: CID.compute(for: node([])))]),
            make("untrimmed root", [leafA, node([], l: leafCID)]),
            make("child key outside the parent's range", [leafB, node([Entry(k: k("A1/076595"))], l: CID.compute(for: leafB))]),
            make("raw link to a subtree", [node([Entry(k: k("B1/986427"))], l: rawCID)]),
            make("huge entry count", [[0xa2, 0x61, 0x65, 0x9a, 0xff, 0xff, 0xff, 0xff]]),
            make("truncated node", [Array(node([Entry(k: k("A0/374913"))]).dropLast(5))]),
            make("empty bytes", [[]]),
        ]
    }

    static func patched(_ bytes: [UInt8], from: [UInt8], to: [UInt8]) -> [UInt8] {
        for start in 0...(bytes.count - from.count) where Array(bytes[start..<(start + from.count)]) == from {
            return Array(bytes[..<start]) + to + Array(bytes[(start + from.count)...])
        }
        fatalError("pattern not found")
    }

    @Test func caseCount() {
        print("malformed MST node cases: \(Self.cases().count)")
        #expect(Self.cases().count == 31)
    }

    @Test(arguments: cases())
    func malformedNodeIsRefused(_ testCase: Case) {
        do {
            let tree = try MST(root: testCase.root, blocks: testCase.blocks)
            Issue.record("accepted, root \(tree.rootCID)")
        } catch {
            #expect(error.code == .malformedMST, "\(error)")
        }
    }

    @Test func wellFormedControlsAreAccepted() throws {
        let leafA = Self.node([Entry(k: Self.k("A0/374913"))])
        var blocks = BlockMap()
        let leafCID = blocks.insert(leafA)
        let root = blocks.insert(Self.node([Entry(k: Self.k("B1/986427"))], l: leafCID))
        let tree = try MST(root: root, blocks: blocks)
        #expect(try tree.entries().count == 2)
        // Maximal prefix compression is accepted.
        let compressed = Self.node([Entry(k: Self.k("A0/374913")), Entry(k: Self.k("952776"), p: 3)])
        var single = BlockMap()
        let compressedCID = single.insert(compressed)
        #expect(try MST(root: compressedCID, blocks: single).entries().map(\.key) == [Self.k("A0/374913"), Self.k("A0/952776")])
    }

    /// Random corruption of real node blocks: never a crash; anything accepted re-encodes to the
    /// same bytes (so no two encodings of one node are accepted).
    @Test func randomCorruptionNeverCrashesAndNeverAcceptsANonCanonicalNode() throws {
        let car = try TestCAR([UInt8](try Vectors.data("rsky/rsky-repo/resources/test/valid_repo.car")))
        let commit = try Commit(block: car.blockMap.block(for: car.roots[0])!)
        let original = car.blockMap
        var rng = SeededGenerator(seed: 99)
        var accepted = 0, refused = 0
        let nodeCIDs = try MST(root: commit.data, blocks: original).searchPath(for: [0x61])
        for round in 0..<3000 {
            let target = nodeCIDs[round % nodeCIDs.count]
            var bytes = original.block(for: target)!
            switch rng.next() % 4 {
            case 0: bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            case 1: bytes.removeLast(Int(rng.next() % UInt64(bytes.count)) + 1)
            case 2: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(bytes.count + 1)))
            default: bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            var blocks = original
            blocks.blocks[target] = nil
            let mutated = blocks.insert(bytes)
            // The mutated block is loaded as a root of its own (its parent would need re-hashing).
            let loadRoot = mutated
            do {
                let tree = try MST(root: loadRoot, blocks: blocks)
                var produced: [UInt8] = []
                try tree.preorder { node, _ in if let node, node.cid == loadRoot { produced = node.bytes } }
                if !tree.isEmpty { #expect(produced == bytes) }
                accepted += 1
            } catch {
                #expect(error.code == .malformedMST || error.code == .missingProofBlock)
                refused += 1
            }
        }
        print("corruption: \(accepted) accepted (canonical), \(refused) refused")
    }
}
