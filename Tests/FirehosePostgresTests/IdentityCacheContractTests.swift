import ATIdentity
import ATSyntax
import FirehoseStore
import Foundation
import Testing

/// The persistent identity cache, with the same code on every backend: entries round-trip through a new
/// connection, a did:plc entry answers only look-ups through the directory that resolved it, `#identity` forgets.
@Suite("identity cache on every backend", .serialized)
struct IdentityCacheContractTests {
    static let plc = try! DID("did:plc:abcdefghijklmnopqrstuvwx")
    static let web = try! DID("did:web:example.com")
    static let didKey = "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"

    static func entries(_ did: DID) throws -> [IdentityCachePolicy.Entry] {
        let key = try SigningKeyReference(didKey: didKey)
        return [
            .init(result: .success(ResolvedIdentity(did: did, signingKey: .success(key), pds: ServiceEndpoint("https://pds.example.com"),
                                                    handle: try Handle("alice.test"), fetchedAt: 1_000)), storedAt: 1_000),
            .init(result: .success(ResolvedIdentity(did: did, signingKey: .failure(ATIdentityError(.unsupportedKeyType, "JsonWebKey2020")),
                                                    pds: nil, handle: nil, fetchedAt: 2_000)), storedAt: 2_000),
            .init(result: .failure(ATIdentityError(.tombstoned, "gone")), storedAt: 3_000),
            .init(result: .failure(ATIdentityError(.timeout, "slow: with a colon")), storedAt: 4_000),
        ]
    }

    @Test("every kind of entry round-trips through a new connection", arguments: StoreBackend.allCases)
    func entriesRoundTrip(backend: StoreBackend) throws {
        try backend.withFreshDatabase("entriesRoundTrip") { database in
            let entries = try Self.entries(Self.plc)
            for entry in entries {
                try database.open().identities("https://plc.example").saveIdentity(Self.plc, entry)
                let loaded = try #require(try database.open().identities("https://plc.example/").loadIdentity(Self.plc))
                #expect(loaded == entry)
                if case .failure(let error) = loaded.result, case .failure(let original) = entry.result {
                    #expect(error.reason == original.reason)
                }
            }
            print("identity cache [\(backend)]: \(entries.count) entries round-tripped")
        }
    }

    @Test("a did:plc entry answers only through its directory; did:web through any; deletion forgets", arguments: StoreBackend.allCases)
    func directoryScopeAndDeletion(backend: StoreBackend) throws {
        try backend.withFreshDatabase("directoryScopeAndDeletion") { database in
            let store = try database.open()
            let entry = try Self.entries(Self.plc)[0]
            try store.identities("https://plc.one").saveIdentity(Self.plc, entry)
            #expect(try store.identities("https://plc.one").loadIdentity(Self.plc) == entry)
            #expect(try store.identities("https://plc.two").loadIdentity(Self.plc) == nil)
            #expect(try store.identities(nil).loadIdentity(Self.plc) == nil)
            let webEntry = try Self.entries(Self.web)[0]
            try store.identities("https://plc.one").saveIdentity(Self.web, webEntry)
            #expect(try store.identities("https://plc.two").loadIdentity(Self.web) == webEntry)
            try store.identities("https://plc.two").deleteIdentity(Self.plc)
            #expect(try store.identities("https://plc.one").loadIdentity(Self.plc) == nil)
        }
    }
}
