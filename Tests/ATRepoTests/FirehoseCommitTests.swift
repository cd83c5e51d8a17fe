import ATRepo
import FirehoseTesting
import IPLD
import Testing

@Suite struct FirehoseCommitTests {
    static let files = [
        "indigo/cmd/relay/testing/testdata/post_lifecycle.json",
        "indigo/cmd/relay/testing/testdata/rev_ordering.json",
    ]

    struct FrameCase: Sendable, CustomStringConvertible {
        let file: String
        let seq: Int
        let commit: CID
        let car: [UInt8]
        let ops: [RepoOp]
        let prevData: CID
        var description: String { "\(file.split(separator: "/").last!) seq \(seq)" }
    }

    static func link(_ value: Any?) -> CID? {
        (value as? [String: Any])?["$link"].flatMap { $0 as? String }.map(Fixture.cid)
    }

    static func cases(_ file: String) -> [FrameCase] {
        let messages = (Fixture.object(file)["messages"] as? [[String: Any]]) ?? []
        return messages.compactMap { message in
            guard let frame = message["frame"] as? [String: Any], let header = frame["header"] as? [String: Any],
                  header["t"] as? String == "#commit", let body = frame["body"] as? [String: Any],
                  let prevData = link(body["prevData"]) else { return nil }
            let ops = (body["ops"] as! [[String: Any]]).map { op in
                RepoOp(action: RepoOp.Action(rawValue: op["action"] as! String)!, path: op["path"] as! String,
                       cid: link(op["cid"]), prev: link(op["prev"]))
            }
            let blocks = Vectors.base64((body["blocks"] as! [String: Any])["$bytes"] as! String)!
            return FrameCase(file: file, seq: body["seq"] as! Int, commit: link(body["commit"])!, car: blocks, ops: ops, prevData: prevData)
        }
    }

    static func allCases() -> [FrameCase] { files.flatMap(cases) }

    @Test func vectorCounts() {
        for file in Self.files { print("vectors: \(file): \(Self.cases(file).count) Sync 1.1 commits") }
        #expect(Self.cases(Self.files[0]).count == 6)
        #expect(Self.cases(Self.files[1]).count == 4)
    }

    @Test(arguments: allCases())
    func forwardCheckAndInversionReachPrevData(_ frame: FrameCase) throws {
        let car = try TestCAR(frame.car)
        #expect(car.roots.first == frame.commit)
        let blocks = car.blockMap
        let commit = try Commit(block: try #require(blocks.block(for: frame.commit)), cid: frame.commit)
        #expect(commit.version == 3)
        let result = CommitProof.verify(data: commit.data, prevData: frame.prevData, ops: frame.ops, blocks: blocks)
        #expect(result == .valid(previousData: frame.prevData), "\(String(describing: result.failure))")
    }

    @Test(arguments: allCases())
    func everyNodeOfTheSliceIsNeededOrHarmless(_ frame: FrameCase) throws {
        // Dropping any one tree node of the slice either still verifies (it was not needed) or
        // fails with missing-proof-block naming exactly that node; never anything else.
        let car = try TestCAR(frame.car)
        let commit = try Commit(block: try #require(car.blockMap.block(for: frame.commit)))
        for (cid, _) in car.blocks where cid != frame.commit && cid != commit.data {
            var blocks = car.blockMap
            blocks.blocks[cid] = nil
            let isRecord = frame.ops.contains { $0.cid == cid }
            let result = CommitProof.verify(data: commit.data, prevData: frame.prevData, ops: frame.ops, blocks: blocks)
            if isRecord {
                #expect(result.failure?.reason == .missingRecordBlock)
            } else if let failure = result.failure {
                #expect(failure.reason == .missingProofBlock)
                #expect(failure.cid == cid)
            }
        }
    }

    @Test(arguments: allCases())
    func tamperedOpsAreRejected(_ frame: FrameCase) throws {
        let car = try TestCAR(frame.car)
        let blocks = car.blockMap
        let commit = try Commit(block: try #require(blocks.block(for: frame.commit)))
        let other = CID.compute(for: [0xf6])
        var ops = frame.ops
        switch ops[0].action {
        case .create, .update: ops[0].cid = other
        case .delete: ops[0].prev = other
        }
        let result = CommitProof.verify(data: commit.data, prevData: frame.prevData, ops: ops, blocks: blocks)
        let expected: CommitProofFailure.Reason = ops[0].action == .delete ? .inversionMismatch : .opMismatch
        #expect(result.failure?.reason == expected)
        // Without the root node the proof is missing.
        var noRoot = blocks
        noRoot.blocks[commit.data] = nil
        let missing = CommitProof.verify(data: commit.data, prevData: frame.prevData, ops: frame.ops, blocks: noRoot)
        #expect(missing.failure?.reason == .missingProofBlock)
        #expect(missing.failure?.cid == commit.data)
        // Dropping an op leaves the inversion short of prevData (or a mismatch elsewhere).
        if frame.ops.count > 1 {
            let partial = CommitProof.verify(data: commit.data, prevData: frame.prevData, ops: Array(frame.ops.dropFirst()), blocks: blocks)
            #expect(partial.failure?.reason == .inversionMismatch)
        }
    }

    @Test(arguments: allCases())
    func commitUnsignedBytesDropOnlyTheSignature(_ frame: FrameCase) throws {
        let car = try TestCAR(frame.car)
        let commit = try Commit(block: try #require(car.blockMap.block(for: frame.commit)))
        #expect(commit.signature.count == 64)
        let unsigned = try DAGCBOR.decode(commit.unsignedBytes)
        #expect(unsigned["sig"] == nil)
        #expect(unsigned["did"]?.stringValue == commit.did)
        #expect(DAGCBOR.encode(.map(commit.fields)) == commit.bytes)
    }
}
