/// How a partition's cursor is named where a store keeps one cursor per name: the upstream alone for the whole
/// (unpartitioned) run, so existing databases keep their cursors, and `UPSTREAM partition K/N` otherwise. A space
/// never occurs in an upstream URL, so the two forms cannot collide (Docs/CONTRACT.md §5).
public enum CursorKey {
    /// The stored name of the cursor of `partition` of `upstream`.
    public static func name(upstream: String, partition: Partition) -> String {
        partition.isWhole ? upstream : "\(upstream) partition \(partition)"
    }

    /// The (upstream, partition) a stored cursor name stands for.
    public static func parse(_ name: String) -> (upstream: String, partition: Partition) {
        let pieces = name.split(separator: " ", omittingEmptySubsequences: false)
        guard pieces.count >= 3, pieces[pieces.count - 2] == "partition",
              let partition = Partition(parsing: String(pieces[pieces.count - 1])), !partition.isWhole
        else { return (name, .whole) }
        return (pieces.dropLast(2).joined(separator: " "), partition)
    }
}
