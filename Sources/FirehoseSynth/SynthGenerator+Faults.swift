import ATCrypto
import ATRepo
import FirehoseSync
import IPLD

extension SynthGenerator {
    /// Emits one labelled fault for account `i`. A faulty commit does not advance the account (except the
    /// chain-break sequence, where the real repository moved on and a `#sync` later restores the base).
    mutating func injectFault(_ kind: FaultKind, account i: Int) throws {
        let did = accounts[i].did
        switch kind {
        case .malformedFrame:
            let built = try buildCommit(i, ops: [newCreate(i)])
            let bytes = built.event.frame.encoded()
            try send(bytes: Array(bytes.dropLast(1 + rng.below(8))), .frame, seq: nil, did: nil, rev: nil, .rejected, .malformedFrame)
            commitsEmitted += 1
        case .malformedEvent:
            let built = try buildCommit(i, ops: [newCreate(i)])
            var body = built.event.body
            body["commit"] = nil  // a required, signed-over field (a missing `time` is only a warning)
            try send(Frame(op: 1, type: "#commit", body: body), .commit, did: did, rev: built.event.rev, .rejected, .malformedEvent)
            commitsEmitted += 1
        case .oversize:
            var built = try buildCommit(i, ops: [newCreate(i)])
            var ops = built.event.ops
            for n in 0..<201 { ops.append(RepoOp(action: .delete, path: "app.bsky.feed.like/\(tid(clock + Int64(n) + 1, clockID: i))", cid: nil, prev: nil)) }
            built.event = built.event.with(ops: ops)
            try sendCommit(built, expected: .rejected, .oversize)
        case .invalidOp:
            var built = try buildCommit(i, ops: [newCreate(i)])
            var ops = built.event.ops
            ops[0].prev = ops[0].cid
            built.event = built.event.with(ops: ops)
            try sendCommit(built, expected: .rejected, .invalidOp)
        case .duplicatePath:
            var built = try buildCommit(i, ops: [newCreate(i)])
            built.event = built.event.with(ops: built.event.ops + built.event.ops)
            try sendCommit(built, expected: .rejected, .duplicatePath)
        case .deprecatedFlag:
            var built = try buildCommit(i, ops: [newCreate(i)])
            built.event = built.event.with(tooBig: true)
            try sendCommit(built, expected: .rejected, .deprecatedFlag)
        case .futureRev:
            let built = try buildCommit(i, ops: [newCreate(i)], rev: tid(4_070_908_800_000_000 + clock % 1_000_000, clockID: i))
            try sendCommit(built, expected: .rejected, .futureRev)
        case .malformedCAR:
            var built = try buildCommit(i, ops: [newCreate(i)])
            var garbage: [UInt8] = [0x05, 0xa1, 0x61, 0x78, 0x01]
            for _ in 0..<20 { garbage.append(UInt8(truncatingIfNeeded: rng.next())) }
            built.event = built.event.with(blocks: garbage)
            try sendCommit(built, expected: .rejected, .malformedCAR)
        case .blockCIDMismatch:
            var built = try buildCommit(i, ops: [newCreate(i)])
            built.event = built.event.with(blocks: built.car(corrupting: built.records[0].cid))
            try sendCommit(built, expected: .rejected, .blockCIDMismatch)
        case .carRootMismatch:
            var built = try buildCommit(i, ops: [newCreate(i)])
            built.event = built.event.with(blocks: built.car(roots: [built.records[0].cid]))
            try sendCommit(built, expected: .rejected, .carRootMismatch)
        case .invalidCommit:
            var built = try buildCommit(i, ops: [newCreate(i)])
            var fields: [String: IPLDValue] = [
                "did": .string(did), "rev": .string(built.event.rev), "data": .link(built.tree.rootCID),
                "prev": .null, "version": .int(2),
            ]
            let key = accounts[i].key
            fields["sig"] = .bytes(key.sign(message: DAGCBOR.encode(.map(fields))))
            let bytes = DAGCBOR.encode(.map(fields))
            let cid = CID.compute(for: bytes)
            built.event = built.event.with(commit: cid, blocks: built.car(commitBlock: (cid, bytes)))
            try sendCommit(built, expected: .rejected, .invalidCommit)
        case .fieldMismatch:
            var built = try buildCommit(i, ops: [newCreate(i)])
            built.event = built.event.with(rev: tid(clock + 500, clockID: i))
            try sendCommit(built, expected: .rejected, .fieldMismatch)
        case .badSignature:
            var local = SplitMix64(seed: rng.next())
            let wrong = PrivateKey.derive(curve: accounts[i].key.curve, seed: local.bytes32())
            let built = try buildCommit(i, ops: [newCreate(i)], signingKey: wrong)
            try sendCommit(built, expected: .rejected, .badSignature)
        case .opMismatch:
            var built = try buildCommit(i, ops: [newCreate(i)])
            var ops = built.event.ops
            ops[0].cid = CID.compute(for: rng.bytes32())
            built.event = built.event.with(ops: ops)
            try sendCommit(built, expected: .rejected, .opMismatch)
        case .missingRecordBlock:
            var built = try buildCommit(i, ops: [newCreate(i)])
            built.event = built.event.with(blocks: built.car(dropping: Set(built.records.map(\.cid))))
            try sendCommit(built, expected: .rejected, .missingRecordBlock)
        case .missingProofBlock:
            var built = try buildCommit(i, ops: [newCreate(i)])
            built.event = built.event.with(blocks: built.car(dropping: [built.tree.rootCID]))
            try sendCommit(built, expected: .rejected, .missingProofBlock)
        case .malformedMST:
            try malformedMST(i)
        case .inversionMismatch:
            var built = try buildCommit(i, ops: [newCreate(i)])
            built.event = built.event.with(prevData: .some(CID.compute(for: rng.bytes32())))
            try sendCommit(built, expected: .rejected, .inversionMismatch)
        case .chainBreak, .repoDesynchronized:
            // A commit the stream never carries (lost upstream), then a valid commit that does not chain,
            // one more commit while desynchronized, and a #sync that restores the base.
            let lost = try buildCommit(i, ops: [newCreate(i)])
            seq -= 1  // the lost commit never got a seq on this stream
            apply(lost, to: i)
            let breaking = try buildCommit(i, ops: [newCreate(i)])
            try sendCommit(breaking, expected: .desynchronized, .chainBreak)
            apply(breaking, to: i)
            let waiting = try buildCommit(i, ops: [newCreate(i)])
            try sendCommit(waiting, expected: .ignored, .repoDesynchronized)
            apply(waiting, to: i)
            try sendSync(i)
        case .staleRev:
            guard let last = accounts[i].lastCommitFrame else {
                try normalCommit(i)
                return
            }
            var body = last.body
            body["seq"] = .int(nextSeq())
            try send(Frame(op: 1, type: "#commit", body: body), .commit, did: did, rev: body["rev"]?.stringValue, .ignored, .staleRev)
            commitsEmitted += 1
        case .accountInactive:
            try setActive(i, false)
            let built = try buildCommit(i, ops: [newCreate(i)])
            try sendCommit(built, expected: .ignored, .accountInactive)
            try setActive(i, true)
        case .unknownType:
            let s = nextSeq()
            try send(Frame(op: 1, type: "#synthUnknown", body: ["seq": .int(s), "did": .string(did), "time": .string(datetime(tick()))]),
                     .unknown, did: did, rev: nil, .ignored, .unknownType)
        case .legacyCommit:
            var built = try buildCommit(i, ops: [newCreate(i)])
            built.event = built.event.with(prevData: .some(nil))
            try sendCommit(built, expected: .unverifiable, .legacyCommit)
        case .identityUnavailable:
            guard var ghost else {
                try normalCommit(i)
                return
            }
            accounts.append(ghost)
            let g = accounts.count - 1
            let built = try buildCommit(g, ops: [newCreate(g)], firstCommit: true)
            accounts.removeLast()
            try sendCommit(built, expected: .unverifiable, .identityUnavailable)
            ghost.created = true
            self.ghost = ghost
        }
    }

    /// A commit whose new root node repeats its last key (keys must strictly increase): signed correctly,
    /// so only the tree is malformed.
    mutating func malformedMST(_ i: Int) throws {
        var built = try buildCommit(i, ops: [newCreate(i)])
        let root = built.tree.rootCID
        guard let rootBytes = built.nodes.first(where: { $0.cid == root })?.bytes,
              case .map(var node) = try DAGCBOR.decode(rootBytes),
              case .list(var entries)? = node["e"], let last = entries.last,
              let suffix = last["k"]?.bytesValue, let prefix = last["p"]?.intValue, let value = last["v"] else {
            try sendCommit(built, expected: .rejected, .missingProofBlock)  // not reached for non-empty trees
            return
        }
        entries.append(.map(["k": .bytes([]), "p": .int(prefix + Int64(suffix.count)), "t": .null, "v": value]))
        node["e"] = .list(entries)
        let badBytes = DAGCBOR.encode(.map(node))
        let badCID = CID.compute(for: badBytes)
        let key = accounts[i].key
        let commit = try Commit.signed(did: accounts[i].did, rev: built.event.rev, data: badCID, sign: { key.sign(message: $0) })
        built.nodes = built.nodes.map { $0.cid == root ? (badCID, badBytes) : $0 }
        built.commit = commit
        built.event = built.event.with(commit: commit.cid, blocks: built.car())
        try sendCommit(built, expected: .rejected, .malformedMST)
    }
}
