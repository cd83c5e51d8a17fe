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

    /// An op as the proof reads it: its key in the arena, its layer (hashed once) and its plain fields, so that
    /// the loops read them without copying the op (its path is read only for a failure's text).
    struct PlacedOp {
        var key: SliceProofKey
        var layer: Int
        var action: RepoOp.Action
        var cid: CID?
        var prev: CID?
    }

    static func run(data: CID, prevData: CID?, ops: [RepoOp], blocks: some BlockSource, tree: inout SliceProofTree) -> CommitProofResult {
        if ops.isEmpty {
            if let prevData, prevData != data {
                return .invalid(CommitProofFailure(
                    .inversionMismatch, "a commit without ops must keep the tree unchanged", expected: prevData, found: data))
            }
            return .valid(previousData: data)
        }
        // The op list and the order are built in the arena's scratch arrays, taken out for this proof and put back.
        var placed: [PlacedOp] = []
        var ordered: [Int] = []
        swap(&placed, &tree.placedOps)
        swap(&ordered, &tree.opOrder)
        defer {
            swap(&placed, &tree.placedOps)
            swap(&ordered, &tree.opOrder)
        }
        ops.withUnsafeBufferPointer { ops in
            for index in ops.indices {
                placed.append(PlacedOp(key: tree.appendKey(ops[index].path), layer: 0, action: ops[index].action,
                                       cid: ops[index].cid, prev: ops[index].prev))
            }
        }
        if let failure = check(ops, placed: placed, scratch: &ordered, keys: tree.keyBytes) { return .invalid(failure) }
        tree.keyBytes.withUnsafeBytes { keys in
            for index in placed.indices { placed[index].layer = SliceProofTree.layer(of: placed[index].key, in: keys) }
            // The fixed order: deletes first, then by key bytes (paths are distinct, so there are no ties).
            ordered.append(contentsOf: placed.indices)
            ordered.sort { a, b in
                let aDelete = placed[a].action == .delete, bDelete = placed[b].action == .delete
                if aDelete != bDelete { return aDelete }
                return SliceProofTree.compare(placed[a].key, placed[b].key, in: keys) < 0
            }
        }
        let loadedRoot: Int
        do {
            loadedRoot = try tree.loadRoot(data, blocks: blocks)
        } catch {
            return .invalid(CommitProof.failure(from: error, path: nil))
        }
        // Forward check.
        for index in ordered {
            let found: CID?
            do {
                found = try tree.get(placed[index].key, layer: placed[index].layer, root: loadedRoot)
            } catch {
                return .invalid(CommitProof.failure(from: error, path: ops[index].path))
            }
            if let failure = CommitProof.forwardCheck(ops[index], found: found, blocks: blocks) { return .invalid(failure) }
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
            let op = placed[index]
            do {
                switch op.action {
                case .create:
                    let removed = try tree.remove(op.key, layer: op.layer, root: &root)
                    guard removed == op.cid else {
                        return .failure(CommitProofFailure(.opMismatch, "inverting the create removed another value", path: ops[index].path, expected: op.cid, found: removed))
                    }
                case .update, .delete:
                    guard let prev = op.prev else {
                        return .failure(CommitProofFailure(.legacyCommit, "\(op.action.rawValue) without prev cannot be inverted", path: ops[index].path))
                    }
                    let displaced = try tree.put(op.key, layer: op.layer, prev, root: &root)
                    let expected = op.action == .update ? op.cid : nil
                    guard displaced == expected else {
                        return .failure(CommitProofFailure(.opMismatch, "inverting the \(op.action.rawValue) displaced another value", path: ops[index].path, expected: expected, found: displaced))
                    }
                }
            } catch {
                return .failure(CommitProof.failure(from: error, path: ops[index].path))
            }
        }
        return .success(tree.rootCID(root))
    }

    /// ``CommitProof``'s op shape checks, in the same order with the same texts: duplicate paths (by `String`
    /// equality, as a set of paths would find them), key lengths, the fields each action needs. `placed` holds each
    /// op's key; `scratch` is an empty array it may use and leaves empty.
    static func check(_ ops: [RepoOp], placed: [PlacedOp], scratch: inout [Int], keys: [UInt8]) -> CommitProofFailure? {
        let few = ops.count <= 16
        if !few {
            // Beyond a few ops, repeats are found by sorting the keys, which agrees with `String` equality only
            // when every path is ASCII (a non-ASCII path may equal another under canonical equivalence).
            let keyEnd = placed.last.map { $0.key.start + $0.key.count } ?? 0
            guard SliceProofTree.isASCII(keys, upTo: keyEnd) else { return CommitProof.check(ops) }
            keys.withUnsafeBytes { keys in
                scratch.append(contentsOf: ops.indices)
                scratch.sort { a, b in
                    let order = SliceProofTree.compare(placed[a].key, placed[b].key, in: keys)
                    return order != 0 ? order < 0 : a < b
                }
                // Keep those whose key equals the one before (an earlier op's), in the order of the list.
                var kept = 0
                for position in 1..<scratch.count
                where SliceProofTree.compare(placed[scratch[position - 1]].key, placed[scratch[position]].key, in: keys) == 0 {
                    scratch[kept] = scratch[position]
                    kept += 1
                }
                scratch.removeSubrange(kept...)
                scratch.sort()
            }
        }
        // For many ops, `scratch` now lists those whose path an earlier op has.
        var repeats = 0
        defer { scratch.removeAll(keepingCapacity: true) }
        for position in ops.indices {
            var repeated = false
            if few {
                for earlier in 0..<position where ops[earlier].path == ops[position].path { repeated = true }
            } else if repeats < scratch.count && scratch[repeats] == position {
                repeated = true
                repeats += 1
            }
            if repeated { return CommitProofFailure(.invalidOp, "two ops on one path", path: ops[position].path) }
            let length = placed[position].key.count
            guard length > 0, length <= MSTKey.maxLength else {
                return CommitProofFailure(.invalidOp, "the path is not a valid tree key", path: ops[position].path)
            }
            switch placed[position].action {
            case .create:
                guard placed[position].cid != nil, placed[position].prev == nil else {
                    return CommitProofFailure(.invalidOp, "a create needs a cid and no prev", path: ops[position].path)
                }
            case .update:
                guard placed[position].cid != nil else { return CommitProofFailure(.invalidOp, "an update needs a cid", path: ops[position].path) }
            case .delete:
                guard placed[position].cid == nil else { return CommitProofFailure(.invalidOp, "a delete has no cid", path: ops[position].path) }
            }
        }
        return nil
    }
}
