import ATCrypto
import FirehosePostgres
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// The mirror store port's rules (``MirrorStorePort``), checked with the same code on every backend: SQLite, and
/// PostgreSQL when `BREAKWATER_TEST_POSTGRES` names a server.
@Suite("mirror store contract on every backend", .serialized)
struct MirrorStoreContractTests {
    static let repo = TestRepo.make(count: 300)

    /// The mirror store and retention of a fresh database of `backend`.
    static func withMirrors(_ backend: StoreBackend, _ test: String, _ body: (any MirrorStorePort, any StateStore) throws -> Void) throws {
        switch backend {
        case .sqlite:
            try TemporaryDatabase.with(label: "bw-mirror") { path in
                let store = try SQLiteStateStore(path: path)
                try body(store.mirrors, store)
            }
        case .postgres:
            try backend.withFreshDatabase(test) { database in
                let store = try #require(try database.open().state as? PostgresStateStore)
                try body(store.mirrors, store)
            }
        }
    }

    static func car(_ repo: TestRepo = repo, key: PrivateKey = TestRepo.key) throws -> CARBytesStream {
        try CARBytesStream(bytes: repo.car(key: key))
    }

    static func allRecords(_ mirrors: any MirrorStorePort, pageSize: Int) throws -> [MirrorRecord] {
        var out: [MirrorRecord] = []
        var cursor: String? = nil
        while true {
            let page = try mirrors.records(did: TestRepo.did, collection: nil, after: cursor, limit: pageSize)
            out += page
            guard page.count == pageSize, let last = page.last else { return out }
            cursor = last.cursor
        }
    }

    static func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as FirehoseSyncError {
            return error.codeName
        } catch {
            return errorCode(error)
        }
    }

    @Test("register, list, get and remove answer alike", arguments: StoreBackend.allCases)
    func registerListRemove(backend: StoreBackend) throws {
        try Self.withMirrors(backend, "registerListRemove") { mirrors, _ in
            let filter = try MirrorFilter(["app.bsky.feed.*"])
            #expect(try mirrors.register(did: "did:plc:bbb", filter: filter))
            #expect(try !mirrors.register(did: "did:plc:bbb", filter: .all))
            #expect(try mirrors.register(did: "did:plc:aaa", filter: .all))
            #expect(try mirrors.all().map(\.did) == ["did:plc:aaa", "did:plc:bbb"])
            let info = try #require(try mirrors.mirror(did: "did:plc:bbb"))
            #expect(info.filter == filter && info.rev == nil && info.data == nil && info.records == 0 && info.stale == nil)
            #expect(try mirrors.filters() == ["did:plc:aaa": .all, "did:plc:bbb": filter])
            #expect(try mirrors.remove(did: "did:plc:bbb"))
            #expect(try !mirrors.remove(did: "did:plc:bbb"))
            #expect(try mirrors.mirror(did: "did:plc:bbb") == nil)
            #expect(Self.code { _ = try mirrors.blobReferences(did: "did:plc:bbb") } == "mirror-not-found")
            #expect(Self.code { try mirrors.export(did: "did:plc:bbb", chunkSize: 4096) { _ in } } == "mirror-not-found")
            #expect(Self.code { try mirrors.export(did: "did:plc:aaa", chunkSize: 4096) { _ in } } == "mirror-not-imported")
        }
    }

    @Test("an import stores every record, pages in byte order, and exports to the same CAR", arguments: StoreBackend.allCases)
    func importPageExport(backend: StoreBackend) throws {
        try Self.withMirrors(backend, "importPageExport") { mirrors, state in
            let report = try mirrors.importRepository(did: TestRepo.did, blocks: try Self.car(), key: TestRepo.key.publicKey, filter: nil)
            #expect(report.records == 300 && report.kept == 300 && report.created == 300 && report.deleted == 0 && report.extraBlocks == 0)
            #expect(report.accountUpdated && report.stale == nil)
            #expect(try state.accounts([TestRepo.did])[TestRepo.did]?.rev == Self.repo.rev)
            for pageSize in [1, 7, 100, 1000] {
                let records = try Self.allRecords(mirrors, pageSize: pageSize)
                #expect(records.count == 300)
                #expect(records.map(\.cursor) == records.map(\.cursor).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
                for record in records { #expect(Self.repo.records[record.cursor] == record.bytes) }
            }
            let likes = try mirrors.records(did: TestRepo.did, collection: "app.bsky.feed.like", after: nil, limit: 1000)
            #expect(likes.count == 75 && likes.allSatisfy { $0.collection == "app.bsky.feed.like" })
            let one = likes[3]
            #expect(try mirrors.record(did: TestRepo.did, collection: one.collection, rkey: one.rkey) == one)
            #expect(try mirrors.record(did: TestRepo.did, collection: one.collection, rkey: "nope") == nil)
            #expect(try mirrors.mirror(did: TestRepo.did)?.records == 300)
            var exported: [UInt8] = []
            let count = try mirrors.export(did: TestRepo.did, chunkSize: 4096) { exported += $0 }
            #expect(count == 300)
            #expect(exported == (try Self.repo.car()))
            #expect(try mirrors.blobReferences(did: TestRepo.did).isEmpty)
            // A second import of a changed repository reconciles.
            var changed = TestRepo.make(count: 250, variant: 1, rev: "3lbbbbbbbcc22")
            changed.records["app.bsky.feed.post/3k00000000000"] = Self.repo.records["app.bsky.feed.post/3k00000000000"]
            let second = try mirrors.importRepository(did: TestRepo.did, blocks: try Self.car(changed), key: TestRepo.key.publicKey, filter: nil)
            #expect(second.created == 0 && second.updated == 249 && second.deleted == 50)
            #expect(try Self.allRecords(mirrors, pageSize: 64).count == 250)
        }
    }

    @Test("a wrong key is bad-signature and changes nothing; a filter keeps only its collections", arguments: StoreBackend.allCases)
    func signatureAndFilter(backend: StoreBackend) throws {
        try Self.withMirrors(backend, "signatureAndFilter") { mirrors, _ in
            let other = PrivateKey.derive(curve: .k256, seed: Array(repeating: 9, count: 32))
            #expect(Self.code { _ = try mirrors.importRepository(did: TestRepo.did, blocks: try Self.car(), key: other.publicKey, filter: nil) }
                    == "bad-signature")
            #expect(try mirrors.mirror(did: TestRepo.did) == nil)
            #expect(Self.code { _ = try mirrors.importRepository(did: "did:plc:someoneelse", blocks: try Self.car(), key: TestRepo.key.publicKey, filter: nil) }
                    == "did-mismatch")
            let filter = try MirrorFilter(["app.bsky.feed.*"])
            let report = try mirrors.importRepository(did: TestRepo.did, blocks: try Self.car(), key: TestRepo.key.publicKey, filter: filter)
            #expect(report.records == 300 && report.kept == 150)
            let records = try Self.allRecords(mirrors, pageSize: 1000)
            #expect(records.count == 150 && records.allSatisfy { $0.collection.hasPrefix("app.bsky.feed.") })
            #expect(try mirrors.mirror(did: TestRepo.did)?.filter == filter)
            #expect(Self.code { try mirrors.export(did: TestRepo.did, chunkSize: 4096) { _ in } } == "mirror-filtered")
        }
    }
}
