import Synchronization

/// A thread-safe, bounded cache of parsed public keys keyed by their did:key string, so a hot path
/// (the commit verifier) never re-parses or re-decompresses a point.
///
/// Bounded with two generations: lookups hit the current generation, then the previous one (and are
/// promoted); when the current generation reaches half the capacity it becomes the previous one and
/// the oldest is dropped. At most `capacity` keys are held; recently used keys survive.
public final class KeyCache: Sendable {
    /// The capacity a verifying process uses: room for 200,000 keys. The composition root creates one cache and
    /// passes it to everything that parses keys, so it is shared without being global.
    public static let standardCapacity = 200_000

    private struct Generations {
        var current: [String: PublicKey] = [:]
        var previous: [String: PublicKey] = [:]
    }

    private let state = Mutex(Generations())
    private let generationSize: Int

    /// Creates a cache holding at most `capacity` keys (at least 2).
    public init(capacity: Int) {
        generationSize = max(1, capacity / 2)
    }

    /// The key of a did:key string, parsed once and then served from the cache.
    /// Malformed strings throw every time (failures are not cached).
    public func key(didKey: String) throws(ATCryptoError) -> PublicKey {
        if let cached = lookup(didKey) { return cached }
        let parsed = try PublicKey(didKey: didKey)
        insert(parsed, for: didKey)
        return parsed
    }

    /// The number of keys held.
    public var count: Int {
        state.withLock { $0.current.count + $0.previous.count }
    }

    /// Drops every cached key.
    public func removeAll() {
        state.withLock { $0 = Generations() }
    }

    private func lookup(_ didKey: String) -> PublicKey? {
        state.withLock { generations -> PublicKey? in
            if let key = generations.current[didKey] { return key }
            guard let key = generations.previous.removeValue(forKey: didKey) else { return nil }
            Self.store(key, for: didKey, in: &generations, generationSize: generationSize)
            return key
        }
    }

    private func insert(_ key: PublicKey, for didKey: String) {
        state.withLock { generations in
            Self.store(key, for: didKey, in: &generations, generationSize: generationSize)
        }
    }

    private static func store(_ key: PublicKey, for didKey: String, in generations: inout Generations, generationSize: Int) {
        if generations.current.count >= generationSize {
            generations.previous = generations.current
            generations.current = [:]
        }
        generations.current[didKey] = key
    }
}
