import ATCrypto
import ATIdentity
import ATSyntax
import BreakwaterNet
import FirehoseStore
import FirehoseTesting
import FirehoseSync
import Foundation
import Logging
import Testing

/// The live key provider: static identities, then the persistent cache, then the network; fresh
/// look-ups, purges, coalescing (Docs/SPEC.md §11).
@Suite(.timeLimit(.minutes(1))) struct CachingIdentityDirectoryTests {
    typealias F = IdentityFixtures

    /// A running server, a provider over it, and a clock; torn down by `finish()`.
    struct Setup {
        let server: ScriptedHTTPServer
        let provider: CachingIdentityDirectory
        let clock: TestClock

        func finish() async throws {
            await provider.shutdown()
            server.stop()
        }
    }

    static func setUp(identities: String? = nil, store: (any IdentityCacheStore)? = nil, clock: TestClock = TestClock(),
                      server: ScriptedHTTPServer? = nil) async throws -> Setup {
        let server = if let server { server } else { try ScriptedHTTPServer() }
        let staticKeys = try identities.map { try StaticIdentityDirectory(path: $0, required: true) }
        var configuration = F.configuration()
        let directory = try GuardedURL(server.baseURL, configuration: configuration)
        if configuration.hostLimits[directory.rateLimitKey] == nil {
            configuration.hostLimits[directory.rateLimitKey] = GuardedHTTPConfiguration.plcLimit
        }
        let http = GuardedHTTPClient(configuration: configuration, logger: Logger(label: "test.identity"))
        let resolver = NetworkIdentityResolver(plcDirectory: server.baseURL, http: http, now: clock.closure)
        let provider = CachingIdentityDirectory(staticKeys: staticKeys, resolver: resolver, store: store, release: { await http.shutdown() },
                                                keys: KeyCache(capacity: 1_000),
                                                now: clock.closure)
        return Setup(server: server, provider: provider, clock: clock)
    }

    static func key(_ lookup: SigningKeyLookup) -> PublicKey? {
        if case .key(let key, _) = lookup { return key }
        return nil
    }

    static func isFresh(_ lookup: SigningKeyLookup) -> Bool {
        if case .key(_, let fresh) = lookup { return fresh }
        return false
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("breakwater-ident-\(UUID().uuidString)-\(name)").path
    }

    @Test func staticIdentitiesComeBeforeTheNetwork() async throws {
        let did = F.did("static")
        let path = Self.temporaryPath("identities.json")
        try Data("{\"\(did)\": {\"signingKey\": \"\(F.key(1).publicKey.didKey)\"}}".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let setup = try await Self.setUp(identities: path)
        setup.server.set("/\(did)", .json(F.document(did, key: F.key(2).publicKey)))
        let lookup = await setup.provider.signingKey(for: did.description, seq: 1, fresh: false)
        #expect(Self.key(lookup) == F.key(1).publicKey)
        let refreshed = await setup.provider.signingKey(for: did.description, seq: 1, fresh: true)
        #expect(Self.key(refreshed) == F.key(1).publicKey)
        #expect(setup.server.requests.count == 0)
        // DIDs not in the file are resolved.
        let other = F.did("dynamic")
        setup.server.set("/\(other)", .json(F.document(other, key: F.key(3).publicKey)))
        #expect(Self.key(await setup.provider.signingKey(for: other.description, seq: 2, fresh: false)) == F.key(3).publicKey)
        #expect(setup.server.count("/\(other)") == 1)
        try await setup.finish()
    }

    @Test func cachedKeysAreServedWithoutTheNetworkAndFreshLookupsResolveAgain() async throws {
        let did = F.did("rotating")
        let setup = try await Self.setUp()
        setup.server.set("/\(did)", .json(F.document(did, key: F.key(4).publicKey)))
        let first = await setup.provider.signingKey(for: did.description, seq: 1, fresh: false)
        #expect(Self.key(first) == F.key(4).publicKey)
        #expect(Self.isFresh(first))  // just fetched
        setup.server.set("/\(did)", .json(F.document(did, key: F.key(5).publicKey)))  // the key rotates
        setup.clock.advance(.seconds(1))
        let cached = await setup.provider.signingKey(for: did.description, seq: 2, fresh: false)
        #expect(Self.key(cached) == F.key(4).publicKey)
        #expect(!Self.isFresh(cached))
        #expect(setup.server.count("/\(did)") == 1)
        let fresh = await setup.provider.signingKey(for: did.description, seq: 2, fresh: true)
        #expect(Self.key(fresh) == F.key(5).publicKey)
        #expect(Self.isFresh(fresh))
        #expect(setup.server.count("/\(did)") == 2)
        #expect(Self.key(await setup.provider.signingKey(for: did.description, seq: 3, fresh: false)) == F.key(5).publicKey)
        #expect(setup.server.count("/\(did)") == 2)
        try await setup.finish()
    }

    @Test func purgeForgetsTheDID() async throws {
        let did = F.did("purged")
        let setup = try await Self.setUp()
        setup.server.set("/\(did)", .json(F.document(did, key: F.key(6).publicKey)))
        _ = await setup.provider.signingKey(for: did.description, seq: 1, fresh: false)
        await setup.provider.purge(did.description)
        _ = await setup.provider.signingKey(for: did.description, seq: 2, fresh: false)
        #expect(setup.server.count("/\(did)") == 2)
        try await setup.finish()
    }

    @Test(arguments: ["not-found", "tombstoned", "no-signing-key", "ed25519", "unsupported-key-type", "wrong-did", "not-a-did"])
    func identitiesWithoutAUsableKeyAreUnavailable(kind: String) async throws {
        let did = F.did(kind.replacingOccurrences(of: "-", with: ""))
        let setup = try await Self.setUp()
        switch kind {
        case "not-found": setup.server.set("/\(did)", .status(404))
        case "tombstoned": setup.server.set("/\(did)", .status(410))
        case "no-signing-key": setup.server.set("/\(did)", .json(F.document(did, key: nil)))
        case "ed25519":
            // Multikey with the ed25519 multicodec (0xed 0x01): not an atproto curve.
            let multibase = "z" + Base58Fixture.ed25519Multikey
            setup.server.set("/\(did)", .json(F.document(did, key: F.key(7).publicKey, multibase: multibase)))
        case "unsupported-key-type": setup.server.set("/\(did)", .json(F.document(did, key: F.key(7).publicKey, type: "JsonWebKey2020")))
        case "wrong-did": setup.server.set("/\(did)", .json(F.document(did, key: F.key(7).publicKey, id: F.did("someoneelse").description)))
        default: break
        }
        let asked = kind == "not-a-did" ? "not a did" : did.description
        let lookup = await setup.provider.signingKey(for: asked, seq: 1, fresh: false)
        guard case .unavailable(let reason) = lookup else {
            Issue.record("expected unavailable, got \(lookup)")
            try await setup.finish()
            return
        }
        #expect(!reason.isEmpty)
        try await setup.finish()
    }

    @Test func concurrentLookupsOfOneDIDMakeOneRequest() async throws {
        let did = F.did("popular")
        let setup = try await Self.setUp()
        setup.server.set("/\(did)", .json(F.document(did, key: F.key(8).publicKey)))
        let provider = setup.provider
        let keys = await withTaskGroup(of: PublicKey?.self) { group in
            for seq in 0..<50 {
                group.addTask { Self.key(await provider.signingKey(for: did.description, seq: Int64(seq), fresh: false)) }
            }
            var keys: [PublicKey?] = []
            for await key in group { keys.append(key) }
            return keys
        }
        #expect(keys.count == 50)
        #expect(keys.allSatisfy { $0 == F.key(8).publicKey })
        #expect(setup.server.count("/\(did)") == 1)
        try await setup.finish()
    }

    @Test func didWebOnLocalhostIsResolvedWhenLoopbackIsAllowed() async throws {
        let setup = try await Self.setUp()
        let did = try DID("did:web:localhost%3A\(setup.server.port)")
        setup.server.set("/.well-known/did.json", .json(F.document(did, key: F.key(9).publicKey)))
        #expect(Self.key(await setup.provider.signingKey(for: did.description, seq: 1, fresh: false)) == F.key(9).publicKey)
        #expect(setup.server.count("/.well-known/did.json") == 1)
        try await setup.finish()
    }

    @Test func didWebOnLocalhostIsRefusedWithoutLoopbackPermission() async throws {
        let server = try ScriptedHTTPServer()
        let did = try DID("did:web:localhost%3A\(server.port)")
        server.set("/.well-known/did.json", .json(F.document(did, key: F.key(9).publicKey)))
        let client = GuardedHTTPClient(configuration: GuardedHTTPConfiguration(), logger: F.logger)
        let result = await F.capture { () async throws(ATIdentityError) in try await WebDIDResolver(http: client, now: { 0 }).resolve(did) }
        #expect(throws: ATIdentityError(.forbiddenAddress, "")) { try result.get() }
        #expect(server.requests.count == 0)
        await client.shutdown()
        server.stop()
    }

    @Test func aHostNameResolvingToARefusedAddressIsRefusedAfterConnecting() async throws {
        let server = try ScriptedHTTPServer()
        let did = F.did("rebound")
        server.set("/\(did)", .json(F.document(did, key: F.key(10).publicKey)))
        // http to loopback names passes the URL check, but the address it resolves to is refused.
        var configuration = F.configuration()
        configuration.addressPolicy = AddressPolicy(allowLoopback: false)
        let result = try await F.withClient(configuration) { client in
            let resolver = PLCResolver(directory: "http://localhost:\(server.port)", http: client, now: { 0 })
            return await F.capture { () async throws(ATIdentityError) in try await resolver.resolve(did) }
        }
        #expect(throws: ATIdentityError(.forbiddenAddress, "")) { try result.get() }
        #expect(server.requests.count == 0)
        server.stop()
    }

    @Test func thePersistentCacheSurvivesARestartAndHonoursItsTTLs() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let path = database.path
        let good = F.did("persisted")
        let missing = F.did("persistedmissing")
        let clock = TestClock()
        let server = try ScriptedHTTPServer(routes: ["/\(good)": .json(F.document(good, key: F.key(11).publicKey)), "/\(missing)": .status(404)])

        let first = try await Self.setUp(store: try SQLiteStateStore(path: path).identities, clock: clock, server: server)
        #expect(Self.key(await first.provider.signingKey(for: good.description, seq: 1, fresh: false)) == F.key(11).publicKey)
        if case .key = await first.provider.signingKey(for: missing.description, seq: 1, fresh: false) { Issue.record("missing DID has a key") }
        await first.provider.shutdown()
        #expect(server.count("/\(good)") == 1)
        #expect(server.count("/\(missing)") == 1)

        // A second process on the same file: both answers come from disk.
        clock.advance(.seconds(60))
        let second = try await Self.setUp(store: try SQLiteStateStore(path: path).identities, clock: clock, server: server)
        #expect(Self.key(await second.provider.signingKey(for: good.description, seq: 2, fresh: false)) == F.key(11).publicKey)
        if case .key = await second.provider.signingKey(for: missing.description, seq: 2, fresh: false) { Issue.record("missing DID has a key") }
        #expect(server.count("/\(good)") == 1)
        #expect(server.count("/\(missing)") == 1)
        await second.provider.shutdown()

        // Failures expire after 2 minutes, successes after 24 hours, counted from when they were fetched.
        clock.advance(.seconds(61))
        let third = try await Self.setUp(store: try SQLiteStateStore(path: path).identities, clock: clock, server: server)
        _ = await third.provider.signingKey(for: good.description, seq: 3, fresh: false)
        _ = await third.provider.signingKey(for: missing.description, seq: 3, fresh: false)
        #expect(server.count("/\(good)") == 1)
        #expect(server.count("/\(missing)") == 2)
        clock.advance(.seconds(24 * 3600))
        _ = await third.provider.signingKey(for: good.description, seq: 4, fresh: false)
        #expect(server.count("/\(good)") == 2)
        try await third.finish()
    }

    @Test func purgeAlsoForgetsThePersistentEntry() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let path = database.path
        let did = F.did("purgedondisk")
        let store = try SQLiteStateStore(path: path)
        let setup = try await Self.setUp(store: store.identities)
        setup.server.set("/\(did)", .json(F.document(did, key: F.key(12).publicKey)))
        _ = await setup.provider.signingKey(for: did.description, seq: 1, fresh: false)
        #expect(try store.identities.loadIdentity(did) != nil)
        await setup.provider.purge(did.description)
        #expect(try store.identities.loadIdentity(did) == nil)
        try await setup.finish()
    }
}

/// An ed25519 public key in Multikey form without the `z`: multicodec 0xed01 + 32 bytes.
enum Base58Fixture {
    static let ed25519Multikey = "6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
}
