/// How a partition's cursor is named where a store keeps one cursor per name: the upstream alone for the whole
/// (unpartitioned) run, so existing databases keep their cursors, and `UPSTREAM partition K/N` otherwise. A space
/// never occurs in an upstream URL, so the two forms cannot collide (Docs/CONTRACT.md §5).
public enum CursorKey {
    /// The stored name of the cursor of `partition` of `upstream`.
    public static func name(upstream: String, partition: Partition) -> String {
        partition.isWhole ? upstream : "\(upstream) partition \(partition)"
    }

    /// How long a cursor's rate window grows before it restarts from the cursor's previous write, in microseconds.
    public static let rateWindowMicros: Int64 = 60_000_000

    /// Events per second between a cursor's window start and its last write; 0 when the last write is a window or more
    /// before `nowMicros` (the cursor has not moved for that long); nil for an empty window.
    public static func rate(position: Int64, updatedAt: Int64, windowPosition: Int64?, windowAt: Int64?, nowMicros: Int64) -> Double? {
        guard let windowPosition, let windowAt, updatedAt > windowAt else { return nil }
        if nowMicros.subtractingReportingOverflow(updatedAt).partialValue >= rateWindowMicros { return 0 }
        return Double(position - windowPosition) * 1_000_000 / Double(updatedAt - windowAt)
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
