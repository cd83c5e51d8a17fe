import ATRepo

/// The list rules of ``RepoOp/parseList(_:)``, applied op by op: a path appears once, except that a `delete` followed
/// by a `create` of its path composes into one `update` (Docs/CONTRACT.md §3 step 2); a `create` that does not follow
/// a delete of its path may not carry a `prev`. Used by the generic parse and by the in-place read of a frame's ops,
/// which feeds it each op as it is read (no list of the ops as sent is kept).
struct OpListComposer {
    /// The ops so far, composed.
    private(set) var ops: [RepoOp]
    /// Paths where a delete and a create were composed.
    private var composedPaths = Set<String>()
    /// Where each path went in `ops`, for long lists; a short list is scanned (no table to build). Both compare paths
    /// as `String` equality, so they find the same place.
    private var placeOfPath: [String: Int] = [:]
    private let scans: Bool

    /// A composer for a list of `count` ops.
    init(count: Int) {
        ops = []
        ops.reserveCapacity(count)
        scans = count <= 16
    }

    /// Whether a delete and a create were composed into an update.
    var composed: Bool { !composedPaths.isEmpty }

    /// Adds the op listed at `index`; the rejection when the list breaks a rule with it.
    mutating func add(_ op: RepoOp, index: Int) -> Rejection? {
        if let place = scans ? ops.firstIndex(where: { $0.path == op.path }) : placeOfPath[op.path] {
            let earlier = ops[place]
            guard earlier.action == .delete, op.action == .create, !composedPaths.contains(op.path) else {
                return Rejection(.duplicatePath, "ops[\(index)] repeats path \(op.path)")
            }
            if let prev = op.prev, prev != earlier.prev {
                return Rejection(.invalidOp, "ops[\(index)] create of \(op.path) has prev \(prev), "
                    + "not the deleted record \(earlier.prev.map { "\($0)" } ?? "(none)")")
            }
            ops[place] = RepoOp(action: .update, path: op.path, cid: op.cid, prev: earlier.prev)
            composedPaths.insert(op.path)
            return nil
        }
        if op.action == .create, op.prev != nil {
            return Rejection(.invalidOp, "ops[\(index)] create of \(op.path) has a prev")
        }
        if !scans { placeOfPath[op.path] = ops.count }
        ops.append(op)
        return nil
    }
}
