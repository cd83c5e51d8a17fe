import IPLD
import Synchronization

/// A thread-safe, bounded cache of parsed public keys keyed by their did:key string, so a hot path
/// (the commit verifier) never re-parses or re-decompresses a point.
///
/// At most `capacity` keys are held; when full, the least recently used key is dropped.
public final class KeyCache: Sendable {
    /// The capacity a verifying process uses: room for 200,000 keys. The composition root creates one cache and
    /// passes it to everything that parses keys, so it is shared without being global.
    public static let standardCapacity = 200_000

    private let keys: Mutex<BoundedLRU<String, PublicKey>>

    /// Creates a cache holding at most `capacity` keys (at least 1).
    public init(capacity: Int) {
        keys = Mutex(BoundedLRU(capacity: capacity))
    }

    /// The key of a did:key string, parsed once and then served from the cache.
    /// Malformed strings throw every time (failures are not cached).
    public func key(didKey: String) throws(ATCryptoError) -> PublicKey {
        if let cached = keys.withLock({ $0.value(for: didKey) }) { return cached }
        let parsed = try PublicKey(didKey: didKey)
        keys.withLock { _ = $0.set(parsed, for: didKey) }
        return parsed
    }

    /// The number of keys held.
    public var count: Int {
        keys.withLock { $0.count }
    }

    /// Drops every cached key.
    public func removeAll() {
        keys.withLock { $0.removeAll() }
    }
}
