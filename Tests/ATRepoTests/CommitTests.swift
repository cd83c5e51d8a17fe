import ATCrypto
import ATRepo
import IPLD
import Testing

@Suite struct CommitTests {
    /// A K-256 signer derived from a fixed seed.
    static let key = PrivateKey.derive(curve: .k256, seed: Array("commit-tests".utf8))
    static func fakeSign(_ message: [UInt8]) -> [UInt8] { key.sign(message: message) }

    @Test func signedCommitRoundTripsAndVerifies() throws {
        let data = MST.emptyRootCID
        let commit = try Commit.signed(did: "did:plc:example", rev: "3lmxjza3nva27", data: data) { Self.fakeSign($0) }
        #expect(commit.version == 3)
        #expect(commit.prev == nil)
        #expect(commit.signature.count == 64)
        #expect(commit.verifySignature(with: Self.key.publicKey).isValid)
        let decoded = try Commit(block: commit.bytes, cid: commit.cid)
        #expect(decoded == commit)
        // The unsigned form keeps `prev: null` and the canonical order did, rev, data, prev, version.
        let unsigned = try DAGCBOR.decode(commit.unsignedBytes)
        #expect(unsigned["prev"]?.isNull == true)
        #expect(unsigned.mapValue?.keys.sorted() == ["data", "did", "prev", "rev", "version"])
    }

    @Test func anyChangedFieldBreaksTheSignature() throws {
        let commit = try Commit.signed(did: "did:plc:example", rev: "3lmxjza3nva27", data: MST.emptyRootCID) { Self.fakeSign($0) }
        var fields = commit.fields
        fields["rev"] = .string("3lmxjza3nva28")
        let tampered = try Commit(block: DAGCBOR.encode(.map(fields)))
        #expect(!tampered.verifySignature(with: Self.key.publicKey).isValid)
        // Extra fields are kept in the signed bytes.
        fields = commit.fields
        fields["extra"] = .int(1)
        let extended = try Commit(block: DAGCBOR.encode(.map(fields)))
        #expect(try DAGCBOR.decode(extended.unsignedBytes)["extra"] == .int(1))
    }

    static func encode(_ fields: [String: IPLDValue]) -> [UInt8] { DAGCBOR.encode(.map(fields)) }

    static let base: [String: IPLDValue] = [
        "did": .string("did:plc:example"), "rev": .string("3lmxjza3nva27"), "data": .link(MST.emptyRootCID),
        "prev": .null, "version": .int(3), "sig": .bytes([UInt8](repeating: 1, count: 64)),
    ]

    static func malformedCases() -> [(String, [String: IPLDValue])] {
        func with(_ edit: (inout [String: IPLDValue]) -> Void) -> [String: IPLDValue] {
            var fields = base
            edit(&fields)
            return fields
        }
        return [
            ("version 2 by default", with { $0["version"] = .int(2) }),
            ("version 4", with { $0["version"] = .int(4) }),
            ("no prev in v3", with { $0["prev"] = nil }),
            ("no rev in v3", with { $0["rev"] = nil }),
            ("data not a link", with { $0["data"] = .string("bafy") }),
            ("data a raw CID", with { $0["data"] = .link(CID.compute(for: [1], codec: .raw)) }),
            ("sig as text", with { $0["sig"] = .string("x") }),
            ("did missing", with { $0["did"] = nil }),
            ("prev a string", with { $0["prev"] = .string("x") }),
        ]
    }

    @Test(arguments: malformedCases())
    func malformedCommitIsRefused(_ name: String, _ fields: [String: IPLDValue]) {
        #expect(throws: ATRepoError.self, "\(name)") { try Commit(block: Self.encode(fields)) }
    }

    @Test func version2IsReadWhenAllowed() throws {
        var fields = Self.base
        fields["version"] = .int(2)
        fields["rev"] = nil
        fields["prev"] = nil
        let commit = try Commit(block: Self.encode(fields), acceptVersion2: true)
        #expect(commit.version == 2 && commit.rev == nil && commit.prev == nil)
    }

    @Test func wrongCIDAndNonCanonicalBytesAreRefused() {
        let bytes = Self.encode(Self.base)
        #expect(throws: ATRepoError.self) { try Commit(block: bytes, cid: MST.emptyRootCID) }
        #expect(throws: ATRepoError.self) { try Commit(block: bytes + [0]) }
    }

    @Test func emptyOpsRequireAnUnchangedTree() {
        let other = CID.compute(for: [0xa0])
        #expect(CommitProof.verify(data: other, prevData: other, ops: [], blocks: BlockMap()) == .valid(previousData: other))
        let changed = CommitProof.verify(data: other, prevData: MST.emptyRootCID, ops: [], blocks: BlockMap())
        #expect(changed.failure?.reason == .inversionMismatch)
    }

    @Test func badOpShapesAreRefusedBeforeTheTree() {
        let cid = CID.compute(for: [0xa0])
        let cases: [[RepoOp]] = [
            [RepoOp(action: .create, path: "a/b", cid: cid, prev: cid)],
            [RepoOp(action: .delete, path: "a/b", cid: cid, prev: cid)],
            [RepoOp(action: .update, path: "a/b", cid: nil, prev: cid)],
            [RepoOp(action: .create, path: "a/b", cid: cid), RepoOp(action: .delete, path: "a/b", cid: nil, prev: cid)],
            [RepoOp(action: .create, path: "", cid: cid)],
        ]
        for ops in cases {
            #expect(CommitProof.verify(data: cid, prevData: cid, ops: ops, blocks: BlockMap()).failure?.reason == .invalidOp)
        }
    }

    @Test func legacyOpsWithoutPrevCannotBeInverted() throws {
        var tree = MST()
        let record = CID.compute(for: [0xa0])
        try tree.put(Array("app.bsky.feed.post/a".utf8), record)
        let before = tree
        try tree.remove(Array("app.bsky.feed.post/a".utf8))
        let diff = try MST.diff(from: before, to: tree, changedKeys: [Array("app.bsky.feed.post/a".utf8)])
        let ops = [RepoOp(action: .delete, path: "app.bsky.feed.post/a", cid: nil, prev: nil)]
        let result = CommitProof.verify(data: tree.rootCID, prevData: before.rootCID, ops: ops, blocks: diff.blocks)
        #expect(result.failure?.reason == .legacyCommit)
        // With prev, the deletion of the last record inverts to the one-record tree.
        let withPrev = [RepoOp(action: .delete, path: "app.bsky.feed.post/a", cid: nil, prev: record)]
        #expect(CommitProof.verify(data: tree.rootCID, prevData: before.rootCID, ops: withPrev, blocks: diff.blocks) == .valid(previousData: before.rootCID))
    }
}
