import ATIdentity
import ATSyntax
import FirehoseStore
import Foundation
import Testing

/// A cached did:plc look-up belongs to the PLC directory that answered it.
@Suite struct DirectoryIdentityCacheTests {
    @Test func aCachedDidPlcEntryAnswersOnlyLookUpsThroughItsDirectory() throws {
        try IdentityCacheStoreTests.withDatabase { path in
            let store = try SQLiteStateStore(path: path)
            let failure = IdentityCachePolicy.Entry(result: .failure(ATIdentityError(.timeout, "https://plc.directory/x: slow")), storedAt: 1)
            try store.identities.cache(directory: "https://plc.directory/").saveIdentity(IdentityCacheStoreTests.did, failure)
            #expect(try store.identities.cache(directory: "https://plc.directory").loadIdentity(IdentityCacheStoreTests.did) == failure)
            #expect(try store.identities.cache(directory: "http://127.0.0.1:2470").loadIdentity(IdentityCacheStoreTests.did) == nil)
            #expect(try store.identities.loadIdentity(IdentityCacheStoreTests.did) == nil)
            #expect(try store.identities.forget(IdentityCacheStoreTests.did.description))
            #expect(try store.identities.cache(directory: "https://plc.directory").loadIdentity(IdentityCacheStoreTests.did) == nil)
            #expect(try !store.identities.forget(IdentityCacheStoreTests.did.description))
        }
    }

    @Test func aCachedDidWebEntryDoesNotDependOnTheDirectory() throws {
        try IdentityCacheStoreTests.withDatabase { path in
            let store = try SQLiteStateStore(path: path)
            let did = try DID("did:web:example.com")
            let failure = IdentityCachePolicy.Entry(result: .failure(ATIdentityError(.notFound, "gone")), storedAt: 1)
            try store.identities.cache(directory: "https://plc.directory").saveIdentity(did, failure)
            #expect(try store.identities.cache(directory: "http://127.0.0.1:2470").loadIdentity(did) == failure)
        }
    }
}
