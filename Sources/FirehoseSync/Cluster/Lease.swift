/// A held lease: who holds a ``LeaseKey``, under which fencing epoch, until when.
///
/// Every acquisition by a new holder increases the epoch; a store write fenced by a lease (``StoreBatch/fence``)
/// commits only while the stored lease still has the same holder and epoch, so a deposed holder can never write.
public struct Lease: Sendable, Hashable {
    /// The (upstream, partition) the lease is for.
    public var key: LeaseKey
    /// The holder's identity (unique per process run).
    public var holder: String
    /// The fencing epoch: increased each time the lease changes hands.
    public var epoch: Int64
    /// When the lease lapses unless renewed, in microseconds since the Unix epoch on the store's clock.
    public var expiresAt: Int64

    /// Creates a lease value.
    public init(key: LeaseKey, holder: String, epoch: Int64, expiresAt: Int64) {
        self.key = key
        self.holder = holder
        self.epoch = epoch
        self.expiresAt = expiresAt
    }
}
