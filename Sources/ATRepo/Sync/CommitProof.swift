public import IPLD

/// Why a commit's ops and slice fail the Sync 1.1 checks (Docs/SPEC.md §7.2 steps 7–10). Each reason's
/// raw value is the Docs/CONTRACT.md §4 reason string.
public struct CommitProofFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure reason.
    public enum Reason: String, Sendable, Hashable {
        /// An op is malformed for inversion (duplicate path, create with `prev`, delete with `cid`,
        /// an invalid key). The envelope check normally catches these first.
        case invalidOp = "invalid-op"
        /// The new tree disagrees with an op.
        case opMismatch = "op-mismatch"
        /// A create/update record block is absent from the slice.
        case missingRecordBlock = "missing-record-block"
        /// A tree node needed for the check or the inversion is absent from the slice.
        case missingProofBlock = "missing-proof-block"
        /// A tree node breaks the MST rules.
        case malformedMST = "malformed-mst"
        /// The inverted root differs from `prevData` (or, with no ops, `data` differs from `prevData`).
        case inversionMismatch = "inversion-mismatch"
        /// An update or delete has no `prev`, so the inversion cannot run (unverifiable).
        case legacyCommit = "legacy-commit"
    }

    /// The reason.
    public var reason: Reason
    /// Specifics for people.
    public var detail: String
    /// The op concerned, when one is.
    public var path: String?
    /// The block concerned: the missing node or record, or the malformed node.
    public var cid: CID?
    /// For `inversion-mismatch`: `prevData`.
    public var expected: CID?
    /// For `inversion-mismatch`: the root the inversion reached; for `op-mismatch`: the value found.
    public var found: CID?

    /// Creates a failure.
    public init(_ reason: Reason, _ detail: String, path: String? = nil, cid: CID? = nil, expected: CID? = nil, found: CID? = nil) {
        self.reason = reason
        self.detail = detail
        self.path = path
        self.cid = cid
        self.expected = expected
        self.found = found
    }

    public var description: String {
        var text = "\(reason.rawValue): \(detail)"
        if let path { text += " [\(path)]" }
        if let cid { text += " (\(cid))" }
        if let expected, let found { text += " expected \(expected), found \(found)" }
        return text
    }
}

/// An order in which a commit's ops are undone on its partial tree.
///
/// The MST is a function of its key set, so every order that completes from the slice's blocks alone reaches the
/// same root; the orders differ only in which tree nodes they need.
public enum InversionOrder: String, Sendable, Hashable, CaseIterable {
    /// The fixed order tried first: deletes first, then by path bytes (what the reference relay tries alone).
    case normalized
    /// The reverse of the listed order: how a PDS that replays its inverse ops builds its slice.
    case reverseListed = "reverse-listed"
    /// The order of the `ops` array.
    case listed
}

/// The outcome of checking a commit's ops against its slice.
public enum CommitProofResult: Sendable, Hashable {
    /// The forward check and the inversion passed. `previousData` is the inverted root, which equals
    /// `prevData` when one was given (with no `prevData`, the caller decides what the root means); `order` is
    /// the order of inversion that completed from the slice's blocks.
    case valid(previousData: CID, order: InversionOrder = .normalized)
    /// A check failed.
    case invalid(CommitProofFailure)

    /// The failure, if any.
    public var failure: CommitProofFailure? {
        if case .invalid(let failure) = self { return failure }
        return nil
    }
}

/// Sync 1.1 inductive verification of a commit's tree change (Docs/SPEC.md §7.2 steps 6–10).
public enum CommitProof {
    /// Checks `ops` against the tree rooted at `data` built from `blocks` (the slice), then undoes
    /// them and compares the result with `prevData`.
    ///
    /// 1. No ops: `data` must equal `prevData` (the tree is not loaded; an empty commit's slice may
    ///    hold only the commit block).
    /// 2. Load the partial tree (nodes absent from `blocks` become stubs; the root must be present).
    /// 3. Forward check, ops in normalized order: each create/update path holds exactly `cid` and
    ///    the record block `cid` is in `blocks`; each delete path is absent.
    /// 4. Invert in a fixed order (deletes first, then by path): create → remove, which must remove
    ///    exactly `cid`; update → put `prev` back, displacing exactly `cid`; delete → insert `prev`,
    ///    with no previous value. Missing `prev` → `legacy-commit`. When the fixed order needs a node the
    ///    slice lacks, the reverse of the listed order and then the listed order are tried
    ///    (``InversionOrder``): any order that completes from the slice alone is a proof.
    /// 5. The inverted root must equal `prevData` when given (a completed inversion that lands elsewhere is
    ///    `inversion-mismatch`).
    public static func verify(data: CID, prevData: CID?, ops: [RepoOp], blocks: some BlockSource) -> CommitProofResult {
        if ops.isEmpty {
            if let prevData, prevData != data {
                return .invalid(CommitProofFailure(
                    .inversionMismatch, "a commit without ops must keep the tree unchanged", expected: prevData, found: data))
            }
            return .valid(previousData: data)
        }
        if let failure = check(ops) { return .invalid(failure) }
        let ordered = normalizedOrder(ops)
        var tree: MST
        do {
            tree = try MST(root: data, blocks: blocks)
        } catch {
            return .invalid(failure(from: error, path: nil))
        }
        // Forward check.
        for op in ordered {
            let found: CID?
            do {
                found = try tree.get(op.key)
            } catch {
                return .invalid(failure(from: error, path: op.path))
            }
            if let failure = forwardCheck(op, found: found, blocks: blocks) { return .invalid(failure) }
        }
        // Inversion: the fixed order first; when it needs a tree node the slice lacks, the reverse of the listed
        // order and the listed order (at most three orders; the first failure is the one reported).
        var firstFailure: CommitProofFailure?
        var tried: [[RepoOp]] = []
        for order in InversionOrder.allCases {
            let attempt: [RepoOp]
            switch order {
            case .normalized: attempt = ordered
            case .reverseListed: attempt = ops.reversed()
            case .listed: attempt = ops
            }
            if tried.contains(attempt) { continue }  // the same sequence needs the same nodes
            tried.append(attempt)
            switch invert(attempt, on: tree) {
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

    /// Undoes `ops` in the given order on a copy of `tree` and returns the root reached: create → remove, which
    /// must remove exactly `cid`; update → put `prev` back, displacing exactly `cid`; delete → insert `prev`, with
    /// no previous value. Missing `prev` → `legacy-commit`.
    public static func invert(_ ops: [RepoOp], on start: MST) -> Result<CID, CommitProofFailure> {
        var tree = start
        for op in ops {
            do {
                switch op.action {
                case .create:
                    let removed = try tree.remove(op.key)
                    guard removed == op.cid else {
                        return .failure(CommitProofFailure(.opMismatch, "inverting the create removed another value", path: op.path, expected: op.cid, found: removed))
                    }
                case .update, .delete:
                    guard let prev = op.prev else {
                        return .failure(CommitProofFailure(.legacyCommit, "\(op.action.rawValue) without prev cannot be inverted", path: op.path))
                    }
                    let displaced = try tree.put(op.key, prev)
                    let expected = op.action == .update ? op.cid : nil
                    guard displaced == expected else {
                        return .failure(CommitProofFailure(.opMismatch, "inverting the \(op.action.rawValue) displaced another value", path: op.path, expected: expected, found: displaced))
                    }
                }
            } catch {
                return .failure(failure(from: error, path: op.path))
            }
        }
        return .success(tree.rootCID)
    }

    /// Checks op shapes and refuses duplicate paths.
    static func check(_ ops: [RepoOp]) -> CommitProofFailure? {
        var paths = Set<String>()
        for op in ops {
            guard paths.insert(op.path).inserted else {
                return (CommitProofFailure(.invalidOp, "two ops on one path", path: op.path))
            }
            let key = op.key
            guard !key.isEmpty, key.count <= MSTKey.maxLength else {
                return (CommitProofFailure(.invalidOp, "the path is not a valid tree key", path: op.path))
            }
            switch op.action {
            case .create:
                guard op.cid != nil, op.prev == nil else {
                    return (CommitProofFailure(.invalidOp, "a create needs a cid and no prev", path: op.path))
                }
            case .update:
                guard op.cid != nil else { return (CommitProofFailure(.invalidOp, "an update needs a cid", path: op.path)) }
            case .delete:
                guard op.cid == nil else { return (CommitProofFailure(.invalidOp, "a delete has no cid", path: op.path)) }
            }
        }
        return nil
    }

    /// The fixed inversion order: deletes first, then by path bytes.
    public static func normalizedOrder(_ ops: [RepoOp]) -> [RepoOp] {
        ops.sorted { a, b in
            let aDelete = a.action == .delete, bDelete = b.action == .delete
            if aDelete != bDelete { return aDelete }
            return a.path.utf8.lexicographicallyPrecedes(b.path.utf8)
        }
    }

    /// Step 3 for one op, given what the new tree holds at its path: a create or update needs a cid, the tree
    /// must hold exactly that cid and the slice its record block; a delete's path must be absent.
    static func forwardCheck(_ op: RepoOp, found: CID?, blocks: some BlockSource) -> CommitProofFailure? {
        switch op.action {
        case .create, .update:
            guard let cid = op.cid else {
                return CommitProofFailure(.invalidOp, "\(op.action.rawValue) without a cid", path: op.path)
            }
            guard found == cid else {
                return CommitProofFailure(
                    .opMismatch, found == nil ? "the path is absent from the new tree" : "the new tree holds another value",
                    path: op.path, expected: cid, found: found)
            }
            guard blocks.contains(cid) else {
                return CommitProofFailure(.missingRecordBlock, "the record block is not in the slice", path: op.path, cid: cid)
            }
        case .delete:
            guard found == nil else {
                return CommitProofFailure(.opMismatch, "a deleted path is still in the new tree", path: op.path, found: found)
            }
        }
        return nil
    }

    static func failure(from error: ATRepoError, path: String?) -> CommitProofFailure {
        let reason: CommitProofFailure.Reason
        switch error.code {
        case .missingProofBlock: reason = .missingProofBlock
        case .missingRecordBlock: reason = .missingRecordBlock
        case .invalidKey: reason = .invalidOp
        default: reason = .malformedMST
        }
        return CommitProofFailure(reason, error.reason, path: path, cid: error.cid)
    }
}
