import ATCrypto
import Testing

/// The did:key cache: same keys back, bounded size, safe under concurrent use.
@Suite struct KeyCacheTests {
    static func didKeys(_ count: Int, curve: Curve = .k256) -> [String] {
        (0..<count).map { PrivateKey.derive(curve: curve, seed: [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)]).publicKey.didKey }
    }

    @Test func cachedKeysEqualFreshlyParsedKeys() throws {
        let cache = KeyCache(capacity: 100)
        for didKey in Self.didKeys(10) + Self.didKeys(10, curve: .p256) {
            let first = try cache.key(didKey: didKey)
            #expect(first == (try PublicKey(didKey: didKey)))
            #expect(try cache.key(didKey: didKey) == first)
        }
        #expect(cache.count == 20)
    }

    @Test func theCacheStaysWithinItsCapacity() throws {
        let cache = KeyCache(capacity: 8)
        for didKey in Self.didKeys(50) { _ = try cache.key(didKey: didKey) }
        #expect(cache.count <= 8)
        cache.removeAll()
        #expect(cache.count == 0)
    }

    @Test func failuresAreNotCached() {
        let cache = KeyCache(capacity: 8)
        #expect(throws: ATCryptoError(.invalidDIDKey, "")) { try cache.key(didKey: "did:web:x") }
        #expect(cache.count == 0)
    }

    @Test func concurrentLookupsAgree() async throws {
        let cache = KeyCache(capacity: 16)
        let keys = Self.didKeys(24)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for round in 0..<200 {
                        let didKey = keys[(worker * 5 + round) % keys.count]
                        guard try cache.key(didKey: didKey).didKey == didKey else { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
        #expect(cache.count <= 16)
    }
}
