/// Leases on (upstream, partition) keys kept by a shared database: one live holder per key, a fencing epoch that
/// grows with every change of holder, expiry measured on the store's clock (Docs/CONTRACT.md, "Standby").
public protocol LeaseStore: Sendable {
    /// Takes the lease when it is free or expired (epoch + 1, new holder) or returns the caller's own lease renewed;
    /// nil when another holder's lease is live.
    func acquire(_ key: LeaseKey, holder: String, ttlMicros: Int64) throws -> Lease?
    /// Extends a held lease; throws the store's `lease-lost` error when the epoch or holder no longer match.
    func renew(_ lease: Lease, ttlMicros: Int64) throws -> Lease
    /// Gives the lease up (expires it now) if still held.
    func release(_ lease: Lease) throws
    /// Every lease, for status.
    func leases() throws -> [Lease]
}
