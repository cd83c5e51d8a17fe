public import IPLD

/// ``CommitProof`` over a reusable arena: the same Sync 1.1 checks of a commit's ops against its slice (Docs/SPEC.md
/// §7.2 steps 6–10), with the same outcome for every input (reason, text, order), at a fraction of the cost.
///
/// The partial tree lives in a ``SliceProofArena`` (nodes and entries in contiguous arrays, child links as indices,
/// keys in one byte store); each op key's layer is hashed once; an inversion copies only the path it changes, so
/// trying another order rewinds the arena to the loaded tree, and only the nodes it built are encoded and hashed
/// for the root. ``CommitProof`` and ``MST`` stay the reference; a differential test holds the two equal.
public enum SliceProof {
    /// ``CommitProof/verify(data:prevData:ops:blocks:)`` over a CAR slice, in `arena`.
    public static func verify(data: CID, prevData: CID?, ops: [RepoOp], blocks: CARFile,
                              arena: SliceProofArena = SliceProofArena()) -> CommitProofResult {
        arena.withClearedTree { tree in run(data: data, prevData: prevData, ops: ops, blocks: blocks, tree: &tree) }
    }

    /// ``CommitProof/verify(data:prevData:ops:blocks:)`` over an indexed CAR slice (the commit checker's), in `arena`.
    public static func verify(data: CID, prevData: CID?, ops: [RepoOp], blocks: CARSlice,
                              arena: SliceProofArena = SliceProofArena()) -> CommitProofResult {
        arena.withClearedTree { tree in run(data: data, prevData: prevData, ops: ops, blocks: blocks, tree: &tree) }
    }

    /// ``CommitProof/verify(data:prevData:ops:blocks:)`` over any block source, in `arena`.
    public static func verify(data: CID, prevData: CID?, ops: [RepoOp], blocks: some BlockSource,
                              arena: SliceProofArena = SliceProofArena()) -> CommitProofResult {
        arena.withClearedTree { tree in run(data: data, prevData: prevData, ops: ops, blocks: blocks, tree: &tree) }
    }

    /// An op's key in the arena and its layer, hashed once.
    struct PlacedOp {
        var key: SliceProofKey
        var layer: Int
    }

    static func run(data: CID, prevData: CID?, ops: [RepoOp], blocks: some BlockSource, tree: inout SliceProofTree) -> CommitProofResult {
        if ops.isEmpty {
            if let prevData, prevData != data {
                return .invalid(CommitProofFailure(
                    .inversionMismatch, "a commit without ops must keep the tree unchanged", expected: prevData, found: data))
            }
            return .valid(previousData: data)
        }
        if let failure = check(ops) { return .invalid(failure) }
        // The op list and the order are built in the arena's scratch arrays, taken out for this proof and put back.
        var placed: [PlacedOp] = []
        var ordered: [Int] = []
        swap(&placed, &tree.placedOps)
        swap(&ordered, &tree.opOrder)
        defer {
            swap(&placed, &tree.placedOps)
            swap(&ordered, &tree.opOrder)
        }
        for op in ops {
            let key = tree.appendKey(op.path.utf8)
            placed.append(PlacedOp(key: key, layer: tree.layer(of: key)))
        }
        // The fixed order: deletes first, then by key bytes (paths are distinct, so there are no ties).
        ordered.append(contentsOf: ops.indices)
        ordered.sort { a, b in
            let aDelete = ops[a].action == .delete, bDelete = ops[b].action == .delete
            if aDelete != bDelete { return aDelete }
            return tree.compare(placed[a].key, placed[b].key) < 0
        }
        let loadedRoot: Int
        do {
            loadedRoot = try tree.loadRoot(data, blocks: blocks)
        } catch {
            return .invalid(CommitProof.failure(from: error, path: nil))
        }
        // Forward check.
        for index in ordered {
            let op = ops[index]
            let found: CID?
            do {
                found = try tree.get(placed[index].key, layer: placed[index].layer, root: loadedRoot)
            } catch {
                return .invalid(CommitProof.failure(from: error, path: op.path))
            }
            if let failure = CommitProof.forwardCheck(op, found: found, blocks: blocks) { return .invalid(failure) }
        }
        // Inversion: the fixed order, then the reverse of the listed order and the listed order while an order
        // needs a tree node the slice lacks (an order equal to one already tried is skipped; the first failure is
        // the one reported). Each order starts again from the loaded tree.
        let loaded = tree.mark
        var firstFailure: CommitProofFailure?
        for order in InversionOrder.allCases {
            // An order equal to one tried before it is skipped.
            let attempt: [Int]
            switch order {
            case .normalized:
                attempt = ordered
            case .reverseListed:
                if ordered.elementsEqual(ops.indices.reversed()) { continue }
                attempt = ops.indices.reversed()
            case .listed:
                if ordered.elementsEqual(ops.indices) || ops.indices.reversed().elementsEqual(ops.indices) { continue }
                attempt = Array(ops.indices)
            }
            tree.rewind(to: loaded)
            switch invert(attempt, ops: ops, placed: placed, root: loadedRoot, tree: &tree) {
            case .success(let previous):
                if let prevData, previous != prevData {
                    return .invalid(CommitProofFailure(.inversionMismatch, "the inverted tree's root is not prevData", expected: prevData, found: previous))
                }
                return .valid(previousData: previous, order: order)
            case .failure(let failure):
                guard failure.reason == .missingProofBlock else { return .invalid(failure) }
                if firstFailure == nil { firstFailure = failure }
            }
        }
        return .invalid(firstFailure ?? CommitProofFailure(.missingProofBlock, "no order of inversion completed"))
    }

    /// Undoes the ops in `sequence` (indices into `ops`) on the tree rooted at `start`, as
    /// ``CommitProof/invert(_:on:)``, and returns the root reached.
    static func invert(_ sequence: [Int], ops: [RepoOp], placed: [PlacedOp], root start: Int,
                       tree: inout SliceProofTree) -> Result<CID, CommitProofFailure> {
        var root = start
        for index in sequence {
            let op = ops[index]
            let key = placed[index].key
            let layer = placed[index].layer
            do {
                switch op.action {
                case .create:
                    let removed = try tree.remove(key, layer: layer, root: &root)
                    guard removed == op.cid else {
                        return .failure(CommitProofFailure(.opMismatch, "inverting the create removed another value", path: op.path, expected: op.cid, found: removed))
                    }
                case .update, .delete:
                    guard let prev = op.prev else {
                        return .failure(CommitProofFailure(.legacyCommit, "\(op.action.rawValue) without prev cannot be inverted", path: op.path))
                    }
                    let displaced = try tree.put(key, layer: layer, prev, root: &root)
                    let expected = op.action == .update ? op.cid : nil
                    guard displaced == expected else {
                        return .failure(CommitProofFailure(.opMismatch, "inverting the \(op.action.rawValue) displaced another value", path: op.path, expected: expected, found: displaced))
                    }
                }
            } catch {
                return .failure(CommitProof.failure(from: error, path: op.path))
            }
        }
        return .success(tree.rootCID(root))
    }

    /// ``CommitProof``'s op shape checks, in the same order with the same texts: duplicate paths (by `String`
    /// equality, as a set of paths would find them), key lengths, the fields each action needs.
    static func check(_ ops: [RepoOp]) -> CommitProofFailure? {
        guard ops.count <= 16 else { return CommitProof.check(ops) }
        for (position, op) in ops.enumerated() {
            for earlier in 0..<position where ops[earlier].path == op.path {
                return CommitProofFailure(.invalidOp, "two ops on one path", path: op.path)
            }
            let length = op.path.utf8.count
            guard length > 0, length <= MSTKey.maxLength else {
                return CommitProofFailure(.invalidOp, "the path is not a valid tree key", path: op.path)
            }
            switch op.action {
            case .create:
                guard op.cid != nil, op.prev == nil else {
                    return CommitProofFailure(.invalidOp, "a create needs a cid and no prev", path: op.path)
                }
            case .update:
                guard op.cid != nil else { return CommitProofFailure(.invalidOp, "an update needs a cid", path: op.path) }
            case .delete:
                guard op.cid == nil else { return CommitProofFailure(.invalidOp, "a delete has no cid", path: op.path) }
            }
        }
        return nil
    }
}
