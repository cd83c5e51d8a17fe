import ATIdentity
import ATSyntax
import FirehoseStore
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// The persistent identity cache in SQLite (Docs/CONTRACT.md §5): entries round-trip and outlive the
/// process that wrote them.
@Suite struct IdentityCacheStoreTests {
    static let did = try! DID("did:plc:abcdefghijklmnopqrstuvwx")
    static let didKey = "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"

    static func withDatabase(_ body: (String) throws -> Void) throws {
        try TemporaryDatabase.with(body)
    }

    static func entries() throws -> [IdentityCachePolicy.Entry] {
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

    @Test func entriesRoundTripAcrossStoreInstances() throws {
        try Self.withDatabase { path in
            for entry in try Self.entries() {
                try SQLiteStateStore(path: path).identities.saveIdentity(Self.did, entry)
                let loaded = try #require(try SQLiteStateStore(path: path).identities.loadIdentity(Self.did))
                #expect(loaded == entry)
                if case .failure(let error) = loaded.result, case .failure(let original) = entry.result {
                    #expect(error.reason == original.reason)
                }
            }
        }
    }

    @Test func legacyKeysAreStoredInTheirDIDKeyForm() throws {
        try Self.withDatabase { path in
            let store = try SQLiteStateStore(path: path)
            // The same K-256 point as the did:key above, written the legacy way (no multicodec prefix).
            let multikey = try #require(Base58.decode(Self.didKey.dropFirst("did:key:z".count)))
            let reference = try SigningKeyReference(type: SigningKeyReference.legacySecp256k1Type,
                                                    publicKeyMultibase: "z" + Base58.encode(Array(multikey.dropFirst(2))))
            #expect(reference.isLegacy)
            let identity = ResolvedIdentity(did: Self.did, signingKey: .success(reference), pds: nil, handle: nil, fetchedAt: 5)
            try store.identities.saveIdentity(Self.did, .init(result: .success(identity), storedAt: 5))
            let loaded = try #require(try store.identities.loadIdentity(Self.did))
            #expect(try loaded.result.get().signingKeyReference?.didKeyString == Self.didKey)
        }
    }

    @Test func deletedAndUnknownDIDsHaveNoEntry() throws {
        try Self.withDatabase { path in
            let store = try SQLiteStateStore(path: path)
            #expect(try store.identities.loadIdentity(Self.did) == nil)
            try store.identities.saveIdentity(Self.did, try Self.entries()[2])
            #expect(try store.identities.count() == 1)
            try store.identities.deleteIdentity(Self.did)
            #expect(try store.identities.loadIdentity(Self.did) == nil)
        }
    }

    @Test func oldEntriesCanBePruned() throws {
        try Self.withDatabase { path in
            let store = try SQLiteStateStore(path: path)
            let other = try DID("did:web:example.com")
            try store.identities.saveIdentity(Self.did, try Self.entries()[0])  // stored at 1,000
            try store.identities.saveIdentity(other, try Self.entries()[3])  // stored at 4,000
            #expect(try store.identities.delete(storedBefore: 2_000) == 1)
            #expect(try store.identities.loadIdentity(Self.did) == nil)
            #expect(try store.identities.loadIdentity(other) != nil)
        }
    }
}
