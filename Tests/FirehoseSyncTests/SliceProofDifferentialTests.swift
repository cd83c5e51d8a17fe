import ATCrypto
import ATRepo
import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// `SliceProof` (the arena proof) gives exactly `CommitProof`'s outcome — the same reason, text, CIDs and order of
/// inversion, or the same inverted root — on every commit of the vectors, of every `Replays/*` recording and of
/// synthetic recordings with faults and large trees, and on each of those commits altered one way at a time: a
/// block dropped or damaged, ops reordered, dropped, duplicated or changed, `prevData` changed.
@Suite("SliceProof against CommitProof")
struct SliceProofDifferentialTests {
    /// One commit's proof inputs.
    struct ProofInputs {
        var label: String
        var data: CID
        var prevData: CID?
        var ops: [RepoOp]
        var car: CARFile
    }

    /// Compares the two proofs on inputs and counts the comparisons.
    struct Comparer {
        let arena = SliceProofArena()
        var compared = 0
        var failed = 0

        mutating func compare(_ label: String, data: CID, prevData: CID?, ops: [RepoOp], blocks: some BlockSource) {
            let reference = CommitProof.verify(data: data, prevData: prevData, ops: ops, blocks: blocks)
            let candidate = SliceProof.verify(data: data, prevData: prevData, ops: ops, blocks: blocks, arena: arena)
            compared += 1
            if candidate != reference || candidate.failure?.description != reference.failure?.description {
                failed += 1
                if failed <= 20 {
                    Issue.record("\(label): SliceProof \(candidate), CommitProof \(reference)")
                }
            }
        }

        mutating func compare(_ label: String, data: CID, prevData: CID?, ops: [RepoOp], car: CARFile) {
            let reference = CommitProof.verify(data: data, prevData: prevData, ops: ops, blocks: car)
            let candidate = SliceProof.verify(data: data, prevData: prevData, ops: ops, blocks: car, arena: arena)
            compared += 1
            if candidate != reference || candidate.failure?.description != reference.failure?.description {
                failed += 1
                if failed <= 20 {
                    Issue.record("\(label): SliceProof \(candidate), CommitProof \(reference)")
                }
            }
        }

        /// The commit as it is (through the CAR and through a block map), then altered one way at a time.
        /// `blockMutations` adds the alterations of blocks (each dropped; each tree node damaged).
        mutating func compareAlterations(_ inputs: ProofInputs, blockMutations: Bool) {
            let label = inputs.label
            let data = inputs.data
            let prevData = inputs.prevData
            let ops = inputs.ops
            compare(label, data: data, prevData: prevData, ops: ops, car: inputs.car)
            var map = BlockMap()
            for block in inputs.car.blocks where map.blocks[block.cid] == nil { map.blocks[block.cid] = Array(block.data) }
            compare(label + " as a block map", data: data, prevData: prevData, ops: ops, blocks: map)
            let other = inputs.car.root
            // prevData.
            compare(label + " without prevData", data: data, prevData: nil, ops: ops, blocks: map)
            compare(label + " prevData = data", data: data, prevData: data, ops: ops, blocks: map)
            compare(label + " prevData = commit", data: data, prevData: other, ops: ops, blocks: map)
            compare(label + " no ops", data: data, prevData: prevData, ops: [], blocks: map)
            // Order and number of ops.
            if ops.count > 1 {
                compare(label + " ops reversed", data: data, prevData: prevData, ops: ops.reversed(), blocks: map)
                compare(label + " ops rotated", data: data, prevData: prevData, ops: Array(ops[1...] + ops[..<1]), blocks: map)
                compare(label + " first op dropped", data: data, prevData: prevData, ops: Array(ops.dropFirst()), blocks: map)
                compare(label + " last op dropped", data: data, prevData: prevData, ops: Array(ops.dropLast()), blocks: map)
            }
            if let first = ops.first {
                compare(label + " first op twice", data: data, prevData: prevData, ops: ops + [first], blocks: map)
            }
            // Each op altered.
            for (index, op) in ops.enumerated().prefix(8) {
                for (what, altered) in Self.alterations(of: op, other: other) {
                    var changed = ops
                    changed[index] = altered
                    compare("\(label) op \(index) \(what)", data: data, prevData: prevData, ops: changed, blocks: map)
                }
            }
            guard blockMutations else { return }
            for (cid, bytes) in map.blocks.sorted(by: { $0.key < $1.key }) where cid != inputs.car.root {
                var dropped = map
                dropped.blocks[cid] = nil
                compare("\(label) block \(cid) dropped", data: data, prevData: prevData, ops: ops, blocks: dropped)
                // Damage tree nodes only (a damaged record block is not read by either proof).
                guard (try? MST(root: cid, blocks: map)) != nil || cid == data else { continue }
                for (what, damaged) in Self.damages(of: bytes) {
                    var changed = map
                    changed.blocks[cid] = damaged
                    compare("\(label) block \(cid) \(what)", data: data, prevData: prevData, ops: ops, blocks: changed)
                }
            }
        }

        /// One op altered in each way that changes what the proof must find.
        static func alterations(of op: RepoOp, other: CID) -> [(String, RepoOp)] {
            var out: [(String, RepoOp)] = []
            var changed = op
            changed.cid = other
            out.append(("cid changed", changed))
            changed = op
            changed.cid = nil
            out.append(("cid removed", changed))
            changed = op
            changed.prev = other
            out.append(("prev changed", changed))
            changed = op
            changed.prev = nil
            out.append(("prev removed", changed))
            changed = op
            changed.path += "x"
            out.append(("path changed", changed))
            changed = op
            changed.path = ""
            out.append(("path emptied", changed))
            switch op.action {
            case .create:
                out.append(("made an update", RepoOp(action: .update, path: op.path, cid: op.cid, prev: other)))
            case .update:
                out.append(("made a create", RepoOp(action: .create, path: op.path, cid: op.cid)))
                out.append(("made a delete", RepoOp(action: .delete, path: op.path, cid: nil, prev: op.prev)))
            case .delete:
                out.append(("made a create", RepoOp(action: .create, path: op.path, cid: op.prev)))
            }
            return out
        }

        /// A node block damaged: a byte flipped at the start, middle and end, truncated, extended.
        static func damages(of bytes: [UInt8]) -> [(String, [UInt8])] {
            var out: [(String, [UInt8])] = []
            for position in Set([0, 3, bytes.count / 2, max(0, bytes.count - 20), bytes.count - 1]) where position < bytes.count {
                var flipped = bytes
                flipped[position] ^= 0x01
                out.append(("byte \(position) flipped", flipped))
            }
            out.append(("truncated", Array(bytes.dropLast())))
            out.append(("extended", bytes + [0]))
            return out
        }
    }

    /// The commits of a recording's frames that decode and whose slice and commit block parse.
    static func commits(of frames: [[UInt8]], label: String) -> [ProofInputs] {
        var out: [ProofInputs] = []
        for (index, frame) in frames.enumerated() {
            guard case .message(.commit(let event), _, _) = DecodedEvent.decode(frame, index: index),
                  let car = try? CARFile(bytes: event.blocks), let commitBytes = car.data(for: car.root),
                  let commit = try? Commit(block: Array(commitBytes), cid: car.root) else { continue }
            out.append(ProofInputs(label: "\(label) frame \(index)", data: commit.data, prevData: event.prevData, ops: event.ops, car: car))
        }
        return out
    }

    static func replayNames() -> [String] {
        let folder = Vectors.projectRoot.appendingPathComponent("Replays")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/frames.bin").path) }.sorted()
    }

    @Test func sliceProofMatchesCommitProofOnEveryRecordingCommit() throws {
        var comparer = Comparer()
        var commits = 0
        let names = Self.replayNames()
        for name in names {
            let url = Vectors.projectRoot.appendingPathComponent("Replays/\(name)/frames.bin")
            for inputs in Self.commits(of: try RecordedFrameFile.frames(at: url), label: name) {
                comparer.compareAlterations(inputs, blockMutations: true)
                commits += 1
            }
        }
        print("SliceProof vs CommitProof: \(names.count) recordings, \(commits) commits, \(comparer.compared) cases compared")
        #expect(names.count >= 30)
        #expect(commits > 100)
        #expect(comparer.failed == 0)
    }

    @Test func sliceProofMatchesCommitProofOnVectorCommits() throws {
        var comparer = Comparer()
        var commits = 0
        for file in ["indigo/cmd/relay/testing/testdata/post_lifecycle.json", "indigo/cmd/relay/testing/testdata/rev_ordering.json"] {
            let messages = ((try Vectors.json(file) as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
            for (index, message) in messages.enumerated() {
                guard let frame = message["frame"] as? [String: Any], let header = frame["header"] as? [String: Any],
                      header["t"] as? String == "#commit", let body = frame["body"] as? [String: Any],
                      let blocksText = (body["blocks"] as? [String: Any])?["$bytes"] as? String,
                      let blocks = Vectors.base64(blocksText), let car = try? CARFile(bytes: blocks),
                      let commitBytes = car.data(for: car.root), let commit = try? Commit(block: Array(commitBytes), cid: car.root)
                else { continue }
                let ops = try ((body["ops"] as? [[String: Any]]) ?? []).map { op in
                    RepoOp(action: try #require(RepoOp.Action(rawValue: op["action"] as? String ?? "")), path: op["path"] as? String ?? "",
                           cid: try Self.link(op["cid"]), prev: try Self.link(op["prev"]))
                }
                comparer.compareAlterations(ProofInputs(label: "\(file) message \(index)", data: commit.data,
                                                        prevData: try Self.link(body["prevData"]), ops: ops, car: car), blockMutations: true)
                commits += 1
            }
        }
        print("SliceProof vs CommitProof: \(commits) vector commits, \(comparer.compared) cases compared")
        #expect(commits == 10)
        #expect(comparer.failed == 0)
    }

    static func link(_ value: Any?) throws -> CID? {
        guard let text = (value as? [String: Any])?["$link"] as? String else { return nil }
        return try CID(string: text)
    }

    /// The commit-proof fixtures: every ordering of each fixture's ops over its proof blocks, and over the blocks
    /// of the tree before (a slice missing what the forward check needs).
    @Test func sliceProofMatchesCommitProofOnTheProofFixtures() throws {
        let originals = (try Vectors.json("interop/firehose/commit-proof-fixtures.json") as? [[String: Any]]) ?? []
        let expanded = ((try Vectors.json("derived/commit-proof-fixtures-expanded.json") as? [String: Any])?["fixtures"] as? [[String: Any]]) ?? []
        var comparer = Comparer()
        for (original, extra) in zip(originals, expanded) {
            let value = try CID(string: original["leafValue"] as? String ?? "")
            let adds = original["adds"] as? [String] ?? []
            let dels = original["dels"] as? [String] ?? []
            let ops = adds.map { RepoOp(action: .create, path: $0, cid: value) } + dels.map { RepoOp(action: .delete, path: $0, cid: nil, prev: value) }
            let before = try CID(string: original["rootBeforeCommit"] as? String ?? "")
            let after = try CID(string: original["rootAfterCommit"] as? String ?? "")
            for blocksKey in ["proofBlocks", "beforeTreeBlocks", "afterTreeBlocks"] {
                var map = BlockMap()
                for (cidText, bytesText) in (extra[blocksKey] as? [String: String]) ?? [:] {
                    map.blocks[try CID(string: cidText)] = Vectors.base64(bytesText)
                }
                map.blocks[value] = [0xa0]  // a stand-in record block under the fixture's leaf value
                for sequence in Self.permutations(ops) {
                    comparer.compare("\(original["comment"] ?? "") \(blocksKey)", data: after, prevData: before, ops: sequence, blocks: map)
                    comparer.compare("\(original["comment"] ?? "") \(blocksKey) no prevData", data: after, prevData: nil, ops: sequence, blocks: map)
                }
            }
        }
        print("SliceProof vs CommitProof: \(originals.count) proof fixtures, \(comparer.compared) cases compared")
        #expect(originals.count == 6)
        #expect(comparer.failed == 0)
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

    /// Synthetic recordings: every kind of fault and quirk, the largest tree given to the first account.
    static let synthCases: [(seed: UInt64, repos: Int, commits: Int, faults: Double, quirks: Double, largest: Int)] = [
        (11, 100, 1200, 0.3, 0.2, 20_000), (12, 40, 1000, 0.5, 0.3, 1000), (13, 120, 1000, 0.15, 0.5, 5000),
    ]

    @Test("SliceProof matches CommitProof on synthetic commits", arguments: 0..<synthCases.count)
    func sliceProofMatchesCommitProofOnSynthCommits(_ index: Int) throws {
        let (seed, repos, count, faults, quirks, largest) = Self.synthCases[index]
        var configuration = SynthConfiguration(repos: repos, commits: count, seed: seed, curves: [.k256], faultRate: faults, largestTree: largest)
        configuration.quirkRate = quirks
        configuration.keepsRecords = false
        var frames: [[UInt8]] = []
        var generator = SynthGenerator(configuration: configuration) { event in frames.append(event.frame) }
        try generator.run()
        var comparer = Comparer()
        let commits = Self.commits(of: frames, label: "synth seed \(seed)")
        for (position, inputs) in commits.enumerated() {
            comparer.compareAlterations(inputs, blockMutations: position % 8 == 0)
        }
        print("SliceProof vs CommitProof: synth seed \(seed), \(commits.count) commits, \(comparer.compared) cases compared")
        #expect(commits.count > count / 2)
        #expect(comparer.failed == 0)
    }
    /// Op lists longer than 16 (where the op shape check finds repeated paths by sorting the keys when every path is
    /// ASCII): repeats early and late, several repeats, a repeat after or before another broken op, paths equal only
    /// under canonical equivalence (which `String` equality, and so `CommitProof`, counts as repeats), distinct
    /// non-ASCII paths, an empty and an over-long path.
    static let manyOpCases: [(name: String, paths: [String], broken: Int?)] = {
        let base = (0..<20).map { "app.bsky.feed.post/3kx\($0 * 7919)" }
        func with(_ changes: [Int: String]) -> [String] {
            var paths = base
            for (index, path) in changes { paths[index] = path }
            return paths
        }
        return [
            ("distinct", base, nil),
            ("seventeen distinct", Array(base.prefix(17)), nil),
            ("last repeats the first", with([19: base[0]]), nil),
            ("second repeats the first", with([1: base[0]]), nil),
            ("two repeats", with([18: base[3], 7: base[2]]), nil),
            ("three of one path", with([9: base[4], 15: base[4]]), nil),
            ("broken op before a repeat", with([17: base[1]]), 5),
            ("broken op after a repeat", with([4: base[1]]), 12),
            ("Kelvin sign and K", with([3: "app.bsky.feed.post/K", 16: "app.bsky.feed.post/\u{212A}"]), nil),
            ("composed and decomposed", with([2: "app.bsky.feed.post/\u{E9}", 18: "app.bsky.feed.post/e\u{301}"]), nil),
            ("distinct non-ASCII", with([2: "app.bsky.feed.post/\u{E9}", 18: "app.bsky.feed.post/\u{E8}"]), nil),
            ("non-ASCII and a byte repeat", with([2: "app.bsky.feed.post/\u{E9}", 18: base[0]]), nil),
            ("empty path", with([17: ""]), nil),
            ("over-long path", with([6: String(repeating: "a", count: MSTKey.maxLength + 1)]), nil),
            ("longest path repeated", with([6: String(repeating: "a", count: MSTKey.maxLength), 19: String(repeating: "a", count: MSTKey.maxLength)]), nil),
        ]
    }()

    @Test("SliceProof checks many ops as CommitProof does", arguments: 0..<manyOpCases.count)
    func sliceProofChecksManyOpsAsCommitProofDoes(_ index: Int) {
        let (name, paths, broken) = Self.manyOpCases[index]
        let record = CID.compute(for: [0x01], codec: .raw)
        let data = CID.compute(for: [0x02])
        var ops = paths.map { RepoOp(action: .create, path: $0, cid: record) }
        if let broken { ops[broken].cid = nil }
        var comparer = Comparer()
        comparer.compare(name, data: data, prevData: nil, ops: ops, blocks: BlockMap())
        comparer.compare(name + " reversed", data: data, prevData: nil, ops: ops.reversed(), blocks: BlockMap())
        print("SliceProof vs CommitProof: many ops, \(name), \(comparer.compared) cases compared")
        #expect(comparer.compared == 2)
        #expect(comparer.failed == 0)
    }
}
