/// What a lease grants: the right to write the state and cursor of one partition of one upstream.
public struct LeaseKey: Sendable, Hashable, CustomStringConvertible {
    /// The upstream (relay) URL, as the cursor names it.
    public var upstream: String
    /// The partition of that upstream's accounts.
    public var partition: Partition

    /// Creates a key.
    public init(upstream: String, partition: Partition) {
        self.upstream = upstream
        self.partition = partition
    }

    /// `UPSTREAM K/N`.
    public var description: String { "\(upstream) \(partition)" }
}
