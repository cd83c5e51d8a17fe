import ATRepo
import IPLD
import Testing

@Suite struct MSTKnownTreeTests {
    static let file = "derived/mst-known-trees.json"

    struct TreeCase: Sendable, CustomStringConvertible {
        let name: String
        let keys: [String]
        let value: CID
        let root: CID
        let layer: Int
        let blocks: BlockMap
        var description: String { name }
    }

    struct Transition: Sendable, CustomStringConvertible {
        let from: TreeCase
        let to: TreeCase
        let add: Bool
        let key: String
        var description: String { "\(from.name) \(add ? "add" : "delete") \(key)" }
    }

    static func treeCases() -> [TreeCase] {
        ((Fixture.object(file)["cases"] as? [[String: Any]]) ?? []).map {
            TreeCase(
                name: $0["name"] as! String, keys: $0["keys"] as! [String], value: Fixture.cid($0["leafValue"] as! String),
                root: Fixture.cid($0["rootCid"] as! String), layer: $0["rootLayer"] as! Int, blocks: Fixture.blocks($0["blocks"]))
        }
    }

    static func transitions() -> [Transition] {
        let cases = Dictionary(uniqueKeysWithValues: treeCases().map { ($0.name, $0) })
        return ((Fixture.object(file)["transitions"] as? [[String: Any]]) ?? []).map {
            Transition(
                from: cases[$0["from"] as! String]!, to: cases[$0["to"] as! String]!,
                add: ($0["op"] as! String) == "add", key: $0["key"] as! String)
        }
    }

    @Test func vectorCounts() {
        print("vectors: \(Self.file): \(Self.treeCases().count) trees, \(Self.transitions().count) transitions")
        #expect(Self.treeCases().count == 11)
        #expect(Self.transitions().count == 8)
    }

    @Test(arguments: treeCases())
    func builtTreeHasTheKnownRootAndNodeBytes(_ testCase: TreeCase) throws {
        let tree = try Fixture.tree(testCase.keys, value: testCase.value)
        #expect(tree.rootCID == testCase.root)
        #expect(tree.rootLayer == testCase.layer)
        var produced = BlockMap()
        try tree.preorder { node, _ in if let node { produced.insert(node.bytes, for: node.cid) } }
        #expect(produced == testCase.blocks)
        for (cid, bytes) in produced.blocks { #expect(CID.compute(for: bytes) == cid) }
    }

    @Test(arguments: treeCases())
    func insertingOneByOneGivesTheSameRoot(_ testCase: TreeCase) throws {
        for order in [testCase.keys, testCase.keys.reversed()] {
            var tree = MST()
            for key in order { #expect(try tree.put(Fixture.key(key), testCase.value) == nil) }
            #expect(tree.rootCID == testCase.root)
        }
    }

    @Test(arguments: treeCases())
    func loadedTreeReencodesToTheSameBlocks(_ testCase: TreeCase) throws {
        let tree = try MST(root: testCase.root, blocks: testCase.blocks, requireComplete: true)
        #expect(tree.rootCID == testCase.root)
        let keys = try tree.entries().map { String(decoding: $0.key, as: UTF8.self) }
        #expect(keys == testCase.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        var produced = BlockMap()
        try tree.preorder { node, _ in if let node { produced.insert(node.bytes, for: node.cid) } }
        #expect(produced == testCase.blocks)
    }

    @Test(arguments: transitions())
    func transitionReachesTheTargetRoot(_ transition: Transition) throws {
        var tree = try MST(root: transition.from.root, blocks: transition.from.blocks)
        if transition.add {
            #expect(try tree.put(Fixture.key(transition.key), transition.from.value) == nil)
        } else {
            #expect(try tree.remove(Fixture.key(transition.key)) == transition.from.value)
        }
        #expect(tree.rootCID == transition.to.root)
    }
}
