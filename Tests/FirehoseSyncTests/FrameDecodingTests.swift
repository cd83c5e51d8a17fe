import ATRepo
import FirehoseSync
import IPLD
import Testing

@Suite("Frame decoding (Docs/CONTRACT.md §3 steps 1–2)")
struct FrameDecodingTests {
    static func commitBody() -> [String: IPLDValue] {
        let cid = CID.compute(for: [0xa0])
        return CommitEvent(seq: 7, repo: "did:plc:44ybard66vv44zksje25o7dz", rev: "3lmxjza3nva27", since: nil,
                           commit: cid, blocks: [1, 2, 3],
                           ops: [RepoOp(action: .create, path: "app.bsky.feed.post/3lmxjza3nva27", cid: cid, prev: nil)],
                           prevData: nil, time: "2025-04-16T12:00:00.000Z").body
    }

    @Test func commitFrameRoundTrips() throws {
        let frame = Frame(op: 1, type: "#commit", body: Self.commitBody())
        let decoded = try Frame(decoding: frame.encoded())
        #expect(decoded.op == 1)
        #expect(decoded.type == "#commit")
        #expect(decoded.seq == 7)
        guard case .success(.commit(let event)) = FirehoseMessage.classify(decoded) else {
            Issue.record("not a commit")
            return
        }
        #expect(event.ops.count == 1)
        #expect(event.repo == "did:plc:44ybard66vv44zksje25o7dz")
    }

    @Test func headerIsWrittenInCanonicalOrder() {
        let bytes = Frame(op: 1, type: "#commit", body: [:]).encoded()
        // {"t":"#commit","op":1} then {}
        #expect(bytes == [0xa2, 0x61, 0x74, 0x67, 0x23, 0x63, 0x6f, 0x6d, 0x6d, 0x69, 0x74, 0x62, 0x6f, 0x70, 0x01, 0xa0])
    }

    @Test func aThirdItemIsRefused() {
        var bytes = Frame(op: 1, type: "#commit", body: [:]).encoded()
        bytes.append(0xa0)
        #expect(throws: FirehoseSyncError.self) { try Frame(decoding: bytes) }
    }

    @Test func aMissingBodyIsRefused() {
        let bytes: [UInt8] = [0xa2, 0x61, 0x74, 0x67, 0x23, 0x63, 0x6f, 0x6d, 0x6d, 0x69, 0x74, 0x62, 0x6f, 0x70, 0x01]
        #expect(throws: FirehoseSyncError.self) { try Frame(decoding: bytes) }
    }

    @Test func framesOverFiveMegabytesAreRefused() {
        let bytes = [UInt8](repeating: 0, count: Frame.maxSize + 1)
        #expect(throws: FirehoseSyncError.self) { try Frame(decoding: bytes) }
    }

    @Test func theWireErrorFrameExampleDecodes() throws {
        // Docs/SPEC.md §1: oWJvcCChZWVycm9ybEZ1dHVyZUN1cnNvcg== = {op:-1}{error:"FutureCursor"}
        let bytes: [UInt8] = [0xa1, 0x62, 0x6f, 0x70, 0x20, 0xa1, 0x65, 0x65, 0x72, 0x72, 0x6f, 0x72, 0x6c,
                              0x46, 0x75, 0x74, 0x75, 0x72, 0x65, 0x43, 0x75, 0x72, 0x73, 0x6f, 0x72]
        let frame = try Frame(decoding: bytes)
        guard case .success(.error(let name, _)) = FirehoseMessage.classify(frame) else {
            Issue.record("not an error frame")
            return
        }
        #expect(name == "FutureCursor")
    }

    @Test func unknownTypesAreIgnoredNotFatal() {
        let bytes = Frame(op: 1, type: "#somethingNew", body: ["seq": .int(3)]).encoded()
        guard case .final(let judgement, _) = DecodedEvent.decode(bytes, index: 4) else {
            Issue.record("expected a final outcome")
            return
        }
        let line = judgement.line
        #expect(line.outcome == .ignored)
        #expect(line.reason == .unknownType)
        #expect(line.index == 4)
    }

    @Test func garbageIsAMalformedFrame() {
        guard case .final(let judgement, _) = DecodedEvent.decode([0xff, 0x00], index: 0) else {
            Issue.record("expected a final outcome")
            return
        }
        let line = judgement.line
        #expect(line.type == .frame)
        #expect(line.reason == .malformedFrame)
        #expect(line.outcome == .rejected)
    }

    nonisolated(unsafe) static let envelopeCases: [(String, (inout [String: IPLDValue]) -> Void, Reason)] = [
        ("missing seq", { $0["seq"] = nil }, .malformedEvent),
        ("seq 0", { $0["seq"] = .int(0) }, .malformedEvent),
        ("negative seq", { $0["seq"] = .int(-5) }, .malformedEvent),
        ("seq 2^53", { $0["seq"] = .int(1 << 53) }, .malformedEvent),
        ("seq 2^63-1", { $0["seq"] = .int(.max) }, .malformedEvent),
        ("repo not a DID", { $0["repo"] = .string("not-a-did") }, .malformedEvent),
        ("rev not a TID", { $0["rev"] = .string("3LMXJZA3NVA27") }, .malformedEvent),
        ("blocks not bytes", { $0["blocks"] = .string("x") }, .malformedEvent),
        ("tooBig true", { $0["tooBig"] = .bool(true) }, .deprecatedFlag),
        ("rebase true", { $0["rebase"] = .bool(true) }, .deprecatedFlag),
        ("blocks over 2 MB", { $0["blocks"] = .bytes([UInt8](repeating: 0, count: 2_000_001)) }, .oversize),
        ("201 ops", { body in
            body["ops"] = .list((0..<201).map { i in
                RepoOp(action: .delete, path: "app.bsky.feed.like/\(String(1000 + i))", cid: nil, prev: nil).ipldValue
            })
        }, .oversize),
        ("create without cid", { $0["ops"] = .list([.map(["action": .string("create"), "path": .string("app.bsky.feed.post/abc"), "cid": .null])]) }, .invalidOp),
        ("delete with cid", { body in
            body["ops"] = .list([.map(["action": .string("delete"), "path": .string("app.bsky.feed.post/abc"), "cid": .link(CID.compute(for: [0xa0]))])])
        }, .invalidOp),
        ("unknown action", { $0["ops"] = .list([.map(["action": .string("upsert"), "path": .string("app.bsky.feed.post/abc"), "cid": .null])]) }, .invalidOp),
        ("bad path", { $0["ops"] = .list([.map(["action": .string("delete"), "path": .string("nocollection"), "cid": .null])]) }, .invalidOp),
        ("duplicate path", { body in
            let op = RepoOp(action: .delete, path: "app.bsky.feed.like/abc", cid: nil, prev: nil).ipldValue
            body["ops"] = .list([op, op])
        }, .duplicatePath),
    ]

    /// Every seq-bearing event refuses a seq outside 1…2^53−1 (Docs/SPEC.md §2), so it can never become a cursor.
    @Test(arguments: [Int64(0), -1, 1 << 53, .max])
    func aSeqOutsideTheSafeRangeIsAMalformedEventOfEveryType(seq: Int64) {
        let did = IPLDValue.string("did:plc:ewvi7nxzyoun6zhxrhs64oiz")
        let time = IPLDValue.string("2024-11-22T00:00:00.000Z")
        let bodies: [(String, [String: IPLDValue])] = [
            ("#commit", Self.commitBody().merging(["seq": .int(seq)]) { $1 }),
            ("#sync", ["seq": .int(seq), "did": did, "rev": .string("3lbbbbbbbbb22"), "blocks": .bytes([]), "time": time]),
            ("#identity", ["seq": .int(seq), "did": did, "time": time]),
            ("#account", ["seq": .int(seq), "did": did, "time": time, "active": .bool(true)]),
        ]
        for (type, body) in bodies {
            let frame = Frame(op: 1, type: type, body: body)
            switch FirehoseMessage.classify(frame) {
            case .success: Issue.record("\(type) with seq \(seq) accepted")
            case .failure(let rejection): #expect(rejection.reason == .malformedEvent, "\(type): \(rejection)")
            }
            #expect(frame.validSeq == nil)
        }
    }

    @Test("envelope rules give their reason codes", arguments: 0..<envelopeCases.count)
    func envelopeRuleGivesReason(_ index: Int) {
        let (name, mutate, reason) = Self.envelopeCases[index]
        var body = Self.commitBody()
        mutate(&body)
        switch CommitEvent.parse(body) {
        case .success: Issue.record("\(name): accepted")
        case .failure(let rejection): #expect(rejection.reason == reason, "\(name): \(rejection)")
        }
    }
}
