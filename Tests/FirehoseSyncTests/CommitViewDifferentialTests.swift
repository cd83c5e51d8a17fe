import ATCrypto
import ATRepo
import FirehoseSynth
import IPLD
import Testing

/// The in-place commit read and its signing digest (``CommitView``) agree with the generic decode (``Commit``) and its
/// re-encoded unsigned bytes: on every commit block of the recordings, vectors and synth frames, and on mutations of
/// them, both accept with the same fields and digest, or both refuse with the same error.
@Suite("commit view")
struct CommitViewDifferentialTests {
    /// Whether `CommitView` and `Commit` agree on `block` read as `cid`; true also says which path the view took.
    static func agree(_ block: [UInt8], cid: CID, hashVerified: Bool) -> (agree: Bool, accepted: Bool) {
        let old: Result<Commit, ATRepoError> = Result { () throws(ATRepoError) in try Commit(block: block, cid: cid, hashVerified: hashVerified) }
        let new: Result<CommitView, ATRepoError> = Result { () throws(ATRepoError) in try CommitView(block: block, cid: cid, hashVerified: hashVerified) }
        switch (old, new) {
        case (.failure(let a), .failure(let b)):
            return (a.code == b.code && a.description == b.description, false)
        case (.success(let a), .success(let b)):
            let same = a.cid == b.cid && a.bytes == b.bytes && a.did == b.did && a.rev == b.rev && a.data == b.data
                && a.prev == b.prev && a.signature == b.signature
                && b.unsignedDigestBytes == CID.compute(for: a.unsignedBytes).digest
            return (same, true)
        default:
            return (false, false)
        }
    }

    /// The unsigned bytes of a strictly decoded commit are its own bytes minus the `sig` entry, with one entry fewer in
    /// the head: the premise of hashing the pieces.
    @Test func everyCommitBlockReadsInPlaceAsItDecodes() throws {
        let blocks = DecodeCorpus.commitBlocks
        var inPlace = 0
        var valid = 0
        for (index, block) in blocks.enumerated() {
            let cid = CID.compute(for: block)
            let verdict = Self.agree(block, cid: cid, hashVerified: true)
            #expect(verdict.agree, "commit block \(index)")
            #expect(Self.agree(block, cid: cid, hashVerified: false).agree, "commit block \(index), hash checked")
            if verdict.accepted {
                valid += 1
                if CommitView.readCanonical(block[...]) != nil { inPlace += 1 }
            }
        }
        print("commit view: \(blocks.count) commit blocks, \(valid) valid, \(inPlace) read in place")
        #expect(blocks.count > 1000)
        #expect(inPlace > 0 && inPlace * 100 >= valid * 95)
    }

    @Test func aWrongCIDIsRefusedAlike() throws {
        var refused = 0
        for block in DecodeCorpus.commitBlocks.prefix(200) {
            let wrong = CID.compute(for: block + [0])
            #expect(Self.agree(block, cid: wrong, hashVerified: false).agree)
            refused += 1
        }
        print("commit view: \(refused) blocks under a wrong CID")
        #expect(refused > 0)
    }

    /// Variants of `block`: truncations, a trailing byte, flipped bits, and field edits re-encoded canonically.
    static func mutations(of block: [UInt8], rng: inout SplitMix64) -> [[UInt8]] {
        var variants: [[UInt8]] = [block + [0x00], Array(block.prefix(block.count / 2)), Array(block.dropLast())]
        for _ in 0..<8 {
            var flipped = block
            flipped[rng.below(block.count)] ^= UInt8(1 << rng.below(8))
            variants.append(flipped)
        }
        guard case .map(let fields)? = try? DAGCBOR.decode(block) else { return variants }
        let edits: [(inout [String: IPLDValue]) -> Void] = [
            { $0["extra"] = .int(1) }, { $0["a"] = .null }, { $0["zzzzzzzzzz"] = .list([]) },
            { $0["did"] = nil }, { $0["rev"] = nil }, { $0["sig"] = nil }, { $0["data"] = nil }, { $0["prev"] = nil },
            { $0["version"] = nil }, { $0["version"] = .int(2) }, { $0["version"] = .int(4) },
            { $0["prev"] = .string("x") }, { $0["prev"] = .link(CID.compute(for: [1])) }, { $0["rev"] = .int(1) },
            { $0["data"] = .link(CID.compute(for: [1], codec: .raw)) }, { $0["sig"] = .string("x") },
            { $0["did"] = .bytes([1]) }, { $0["sig"] = .bytes([]) },
        ]
        for edit in edits {
            var edited = fields
            edit(&edited)
            variants.append(DAGCBOR.encode(.map(edited)))
        }
        return variants
    }

    @Test func mutatedCommitBlocksAreReadAlike() throws {
        var rng = SplitMix64(seed: 19)
        var checked = 0
        var refused = 0
        for block in DecodeCorpus.commitBlocks.prefix(1500) where block.count > 8 {
            for variant in Self.mutations(of: block, rng: &rng) {
                let verdict = Self.agree(variant, cid: CID.compute(for: variant), hashVerified: true)
                #expect(verdict.agree, "variant of \(block.count) bytes")
                if !verdict.accepted { refused += 1 }
                checked += 1
            }
        }
        print("commit view: \(checked) mutated commit blocks, \(refused) refused by both")
        #expect(checked > 10_000 && refused > 0)
    }

    @Test func commitVerifySignatureUsesTheSameDigest() throws {
        let key = PrivateKey.derive(curve: .k256, seed: Array("commit-view".utf8))
        let commit = try Commit.signed(did: "did:plc:example", rev: "3lmxjza3nva27", data: MST.emptyRootCID) { key.sign(message: $0) }
        let view = try CommitView(block: commit.bytes, cid: commit.cid, hashVerified: false)
        #expect(commit.verifySignature(with: key.publicKey).isValid)
        #expect(view.verifySignature(with: key.publicKey).isValid)
        #expect(view.unsignedDigestBytes == CID.compute(for: commit.unsignedBytes).digest)
    }

    /// `isBy` answers as `String` equality of the commit's DID does (byte equality for ASCII, canonical equivalence
    /// otherwise, as in the Kelvin sign against `K`).
    @Test(arguments: [("did:plc:abc", "did:plc:abc"), ("did:plc:abc", "did:plc:abd"), ("did:plc:abc", "did:plc:ab"),
                      ("did:plc:\u{212A}abc", "did:plc:Kabc"), ("did:plc:Kabc", "did:plc:\u{212A}abc"), ("did:web:é.example", "did:web:e\u{301}.example")])
    func theCommitsDIDIsComparedAsStringsCompare(_ dids: (String, String)) throws {
        let block = DAGCBOR.encode(.map(["did": .string(dids.0), "rev": .string("3lmxjza3nva27"), "sig": .bytes([UInt8](repeating: 1, count: 64)),
                                         "data": .link(CID.compute(for: [0xa0])), "prev": .null, "version": .int(3)]))
        let view = try CommitView(block: block, cid: CID.compute(for: block), hashVerified: false)
        #expect(view.did == dids.0)
        #expect(view.isBy(dids.1) == (dids.0 == dids.1))
        #expect(view.isBy(dids.0))
    }
}
