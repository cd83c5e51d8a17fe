import ATCrypto
import ATRepo
import FirehoseSync
import IPLD

/// A record change the generator decided on.
enum PlannedOp {
    case create(path: String, collection: String)
    case update(path: String, collection: String)
    case delete(path: String)

    var path: String {
        switch self {
        case .create(let path, _), .update(let path, _), .delete(let path): return path
        }
    }
}

/// A commit built on an account's current state, not yet emitted or applied.
struct BuiltCommit {
    var event: CommitEvent
    var commit: Commit
    var tree: MST
    /// Record blocks of creates and updates, in op order.
    var records: [(cid: CID, bytes: [UInt8])]
    /// The slice's MST nodes in a deterministic order.
    var nodes: [(cid: CID, bytes: [UInt8])]
    /// Record CID by path after the commit (nil: deleted).
    var changes: [(path: String, cid: CID?)]

    /// The CAR slice: commit, nodes, records.
    func car(roots: [CID]? = nil, dropping: Set<CID> = [], corrupting: CID? = nil, commitBlock: (CID, [UInt8])? = nil) -> [UInt8] {
        let commitPart = commitBlock ?? (commit.cid, commit.bytes)
        var writer = CARWriter(roots: roots ?? [commitPart.0])
        writer.append(cid: commitPart.0, data: commitPart.1)
        for block in nodes + records where !dropping.contains(block.cid) {
            if block.cid == corrupting {
                var bad = block.bytes
                bad[bad.count - 1] ^= 0x01
                writer.append(cid: block.cid, data: bad)
            } else {
                writer.append(cid: block.cid, data: block.bytes)
            }
        }
        return writer.bytes
    }
}

extension SynthGenerator {
    /// A create of a new record in a random collection, with a fresh TID rkey.
    mutating func newCreate(_ i: Int) -> PlannedOp {
        let collection = RecordFactory.collection(&rng)
        clock += 1
        return .create(path: collection + "/" + tid(clock, clockID: i), collection: collection)
    }

    /// 1 op mostly, 2–3 sometimes, up to 200 rarely; creates mostly, some deletes and profile updates.
    mutating func planOps(_ i: Int) -> [PlannedOp] {
        let roll = rng.below(1000)
        let count: Int
        switch roll {
        case 0..<850: count = 1
        case 850..<960: count = 2 + rng.below(2)
        case 960..<995: count = 4 + rng.below(17)
        default: count = 21 + rng.below(180)
        }
        var ops: [PlannedOp] = []
        var used = Set<String>()
        for _ in 0..<count {
            let kind = rng.below(100)
            var op: PlannedOp
            if kind < 7, !accounts[i].paths.isEmpty {
                op = .delete(path: accounts[i].paths[rng.below(accounts[i].paths.count)])
            } else if kind < 9 {
                let path = "app.bsky.actor.profile/self"
                op = accounts[i].values[path] == nil ? .create(path: path, collection: "app.bsky.actor.profile")
                                                     : .update(path: path, collection: "app.bsky.actor.profile")
            } else {
                op = newCreate(i)
            }
            if used.contains(op.path) { op = newCreate(i) }
            used.insert(op.path)
            ops.append(op)
        }
        return ops
    }

    /// Builds a signed commit applying `ops` to the account's tree, with its covering-proof slice.
    mutating func buildCommit(_ i: Int, ops planned: [PlannedOp], firstCommit: Bool = false, rev explicitRev: String? = nil,
                              signingKey: PrivateKey? = nil) throws -> BuiltCommit {
        let account = accounts[i]
        let time = tick()
        let rev = explicitRev ?? tid(time, clockID: i)
        var tree = account.tree
        var ops: [RepoOp] = []
        var records: [(cid: CID, bytes: [UInt8])] = []
        var changes: [(path: String, cid: CID?)] = []
        for op in planned {
            let key = Array(op.path.utf8)
            switch op {
            case .create(let path, let collection), .update(let path, let collection):
                let rkey = String(path.split(separator: "/").last ?? "")
                let bytes = RecordFactory.record(collection: collection, createdAt: datetime(time), rkey: rkey, &rng)
                let cid = CID.compute(for: bytes)
                let previous = try tree.put(key, cid)
                if case .update = op {
                    ops.append(RepoOp(action: .update, path: path, cid: cid, prev: previous))
                } else {
                    ops.append(RepoOp(action: .create, path: path, cid: cid, prev: nil))
                }
                records.append((cid, bytes))
                changes.append((path, cid))
            case .delete(let path):
                let previous = try tree.remove(key)
                ops.append(RepoOp(action: .delete, path: path, cid: nil, prev: previous))
                changes.append((path, nil))
            }
        }
        let diff = try MST.diff(from: account.tree, to: tree, changedKeys: planned.map { Array($0.path.utf8) })
        var nodes: [(cid: CID, bytes: [UInt8])] = []
        var seen = Set<CID>()
        for cid in diff.proofNodes where seen.insert(cid).inserted {
            if let bytes = diff.blocks.block(for: cid) { nodes.append((cid, bytes)) }
        }
        let key = signingKey ?? account.key
        let commit = try Commit.signed(did: account.did, rev: rev, data: tree.rootCID, sign: { key.sign(message: $0) })
        let seq = nextSeq()
        var built = BuiltCommit(
            event: CommitEvent(seq: seq, repo: account.did, rev: rev, since: firstCommit ? nil : account.rev,
                               commit: commit.cid, blocks: [], ops: ops,
                               prevData: firstCommit ? nil : account.tree.rootCID, time: datetime(time)),
            commit: commit, tree: tree, records: records, nodes: nodes, changes: changes)
        built.event = built.event.with(blocks: built.car())
        return built
    }

    /// Emits a commit frame with its expected outcome.
    mutating func sendCommit(_ built: BuiltCommit, expected outcome: Outcome, _ reason: Reason? = nil) throws {
        try send(built.event.frame, .commit, did: built.event.repo, rev: built.event.rev, outcome, reason)
        commitsEmitted += 1
    }

    /// Makes a built commit the account's new state.
    mutating func apply(_ built: BuiltCommit, to i: Int) {
        accounts[i].tree = built.tree
        if configuration.keepsRecords {
            for record in built.records { accounts[i].recordBlocks[record.cid] = record.bytes }
        }
        for change in built.changes {
            if let cid = change.cid {
                accounts[i].values[change.path] = cid
                accounts[i].addPath(change.path)
            } else {
                if let old = accounts[i].values.removeValue(forKey: change.path) {
                    accounts[i].recordBlocks.removeValue(forKey: old)
                }
                accounts[i].removePath(change.path)
            }
        }
        accounts[i].rev = built.event.rev
        accounts[i].lastCommit = built.commit
        accounts[i].lastCommitFrame = (built.event.seq, built.event.body)
    }
}

extension CommitEvent {
    /// A copy with other fields.
    func with(seq: Int64? = nil, rev: String? = nil, commit: CID? = nil, blocks: [UInt8]? = nil, ops: [RepoOp]? = nil,
              prevData: CID?? = nil, tooBig: Bool? = nil) -> CommitEvent {
        CommitEvent(seq: seq ?? self.seq, repo: repo, rev: rev ?? self.rev, since: since, commit: commit ?? self.commit,
                    blocks: blocks ?? self.blocks, ops: ops ?? self.ops, prevData: prevData ?? self.prevData, time: time,
                    tooBig: tooBig ?? self.tooBig, rebase: rebase)
    }
}
