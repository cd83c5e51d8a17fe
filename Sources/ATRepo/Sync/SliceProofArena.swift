/// Reusable storage for ``SliceProof``: one per worker, so the proof of each commit reuses the capacity the
/// previous commits grew instead of allocating a tree. Not thread-safe: one proof at a time uses an arena.
public final class SliceProofArena {
    /// The tree storage, moved out for the length of one proof and back afterwards.
    var tree = SliceProofTree()

    /// Creates an empty arena; it grows to the largest slice it has proven.
    public init() {}

    /// Runs `body` on the arena's tree, cleared first, and keeps the grown storage afterwards.
    func withClearedTree<Result>(_ body: (inout SliceProofTree) -> Result) -> Result {
        var local = SliceProofTree()
        swap(&local, &tree)
        local.clear()
        let result = body(&local)
        swap(&local, &tree)
        return result
    }
}
