import ATRepo
public import FirehoseSync
import IPLD

/// A variation `synth --quirk-kinds` can put on a valid commit: the deviations live PDSes send today in unsigned
/// envelope metadata or in the shape of their slices, named by the warning code the commit must get.
public typealias QuirkKind = ConformanceWarning

extension SynthGenerator {
    /// Emits one valid commit of account `i` carrying `kind`, labelled `verified` with its warning, and applies it.
    /// When the account cannot carry the quirk (no record to rewrite, or no op shape whose slice needs another
    /// order of inversion within a few tries), a plain commit is emitted instead, labelled as such.
    mutating func quirkCommit(_ kind: QuirkKind, account i: Int) throws {
        switch kind {
        case .sinceEmpty, .timeNonstandard, .timeMissing, .timeUnreadable, .blobsAbsent, .rebaseAbsent, .tooBigAbsent:
            let built = try buildCommit(i, ops: planOps(i))
            var body = built.event.body
            switch kind {
            case .sinceEmpty: body["since"] = .string("")
            case .timeNonstandard:
                // The form a PDS sent in July 2026: no timezone.
                var text = built.event.time ?? datetime(clock)
                if text.hasSuffix("Z") { text.removeLast() }
                body["time"] = .string(text)
            case .timeMissing: body["time"] = nil
            case .timeUnreadable: body["time"] = .string("last tuesday")
            case .blobsAbsent: body["blobs"] = nil
            case .rebaseAbsent: body["rebase"] = nil
            default: body["tooBig"] = nil
            }
            try send(Frame(op: 1, type: "#commit", body: body), .commit, did: built.event.repo, rev: built.event.rev, .verified,
                     warnings: [kind])
            commitsEmitted += 1
            apply(built, to: i)
        case .deleteCreateSamePath:
            guard !accounts[i].paths.isEmpty else { return try normalCommit(i) }
            let path = accounts[i].paths[rng.below(accounts[i].paths.count)]
            let collection = String(path.split(separator: "/").first ?? "app.bsky.feed.post")
            let built = try buildCommit(i, ops: [.update(path: path, collection: collection)])
            let update = built.event.ops[0]
            // A PDS in Oct 2026 wrote an update of `…actor.status/self` as delete + create, the create with or without prev.
            let delete = RepoOp(action: .delete, path: path, cid: nil, prev: update.prev)
            let create = RepoOp(action: .create, path: path, cid: update.cid, prev: rng.chance(0.5) ? update.prev : nil)
            var body = built.event.body
            body["ops"] = .list([delete.ipldValue, create.ipldValue])
            try send(Frame(op: 1, type: "#commit", body: body), .commit, did: built.event.repo, rev: built.event.rev, .verified,
                     warnings: [kind])
            commitsEmitted += 1
            apply(built, to: i)
        case .inversionOrderReverse, .inversionOrderListed:
            for _ in 0..<10 {
                guard accounts[i].paths.count >= 2 else { break }
                let built = try buildCommit(i, ops: mixedOps(i))
                guard let slice = sliceProvingOnlyInReverse(built, alsoListedFails: kind == .inversionOrderListed) else { continue }
                // The order that proves the change is the reverse of the ops as built; for the listed quirk the ops are
                // listed in that order instead (the ops are unsigned: any listing of the same changes is the same commit).
                let ops = kind == .inversionOrderListed ? Array(built.event.ops.reversed()) : built.event.ops
                let event = built.event.with(blocks: slice, ops: ops)
                try send(event.frame, .commit, did: event.repo, rev: event.rev, .verified, warnings: [kind])
                commitsEmitted += 1
                apply(built, to: i)
                return
            }
            try normalCommit(i)
        }
    }

    /// 2–4 ops, about half of them deletes of existing records next to creates: the shapes whose inversion needs
    /// different tree nodes in different orders.
    mutating func mixedOps(_ i: Int) -> [PlannedOp] {
        let count = 2 + rng.below(3)
        var ops: [PlannedOp] = []
        var used = Set<String>()
        for _ in 0..<count {
            var op: PlannedOp = newCreate(i)
            if rng.chance(0.5), !accounts[i].paths.isEmpty {
                let path = accounts[i].paths[rng.below(accounts[i].paths.count)]
                if !used.contains(path) { op = .delete(path: path) }
            }
            used.insert(op.path)
            ops.append(op)
        }
        return ops
    }

    /// A slice as a PDS builds it when it replays its inverse ops in reverse order: the covering proof pared down,
    /// node by node, to what inverting the ops in reverse needs. Nil unless the fixed order then lacks a node (and,
    /// with `alsoListedFails`, the ops' own order too), so that only the reverse order proves the change.
    func sliceProvingOnlyInReverse(_ built: BuiltCommit, alsoListedFails: Bool) -> [UInt8]? {
        let ops = built.event.ops
        guard let prevData = built.event.prevData else { return nil }
        func completes(_ sequence: [RepoOp], without dropped: Set<CID>) -> Bool {
            var blocks = BlockMap()
            for node in built.nodes where !dropped.contains(node.cid) { blocks.insert(node.bytes, for: node.cid) }
            guard let tree = try? MST(root: built.tree.rootCID, blocks: blocks) else { return false }
            if case .success(let root) = CommitProof.invert(sequence, on: tree) { return root == prevData }
            return false
        }
        let reverse = Array(ops.reversed())
        var dropped = Set<CID>()
        for node in built.nodes where node.cid != built.tree.rootCID {
            if completes(reverse, without: dropped.union([node.cid])) { dropped.insert(node.cid) }
        }
        guard completes(reverse, without: dropped), !completes(CommitProof.normalizedOrder(ops), without: dropped) else { return nil }
        if alsoListedFails && completes(ops, without: dropped) { return nil }
        return built.car(dropping: dropped)
    }
}
