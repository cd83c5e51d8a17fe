import ATCrypto
import ATIdentity
import ATRepo
import ATSyntax
@testable import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// Full-repository vectors imported into mirrors, exported and imported again.
@Suite struct MirrorVectorTests {
    struct RepoCase: Sendable, CustomStringConvertible {
        let path: String
        let records: Int?
        /// For repositories whose account's DID document ships beside them: the signature failure expected
        /// with that key (nil: it verifies).
        var refusedSignature: String? = nil
        var description: String { path }
    }

    static let cases: [RepoCase] = [
        RepoCase(path: "indigo/testing/testdata/greenground.repo.car", records: 2),
        RepoCase(path: "indigo/testing/testdata/divy.repo", records: 6),
        RepoCase(path: "indigo/testing/testdata/paul_staging.repo.car", records: 185),
        // Signed with a high-S P-256 signature, which atproto forbids.
        RepoCase(path: "indigo/testing/testdata/fakermaker.repo.car", records: 142, refusedSignature: "high-s"),
        // The shipped document's key is not the one that signed this commit.
        RepoCase(path: "indigo/testing/testdata/bafyreieovfuizojpw3zresz7sx3nk4trm2by23pt5rxbey3jme4uo5ogiu.car", records: nil,
                 refusedSignature: "mismatch"),
        RepoCase(path: "shrike/benches/fixtures/calabro.car", records: 4347),
        RepoCase(path: "indigo/atproto/repo/testdata/bnewbold.robocracy.org.20250310005405.car", records: 38),
        RepoCase(path: "rsky/rsky-repo/resources/test/valid_repo.car", records: 6),
    ]

    /// The DID documents shipped beside the vectors, by DID.
    static func documents() throws -> [String: PublicKey] {
        var keys: [String: PublicKey] = [:]
        for name in ["greenground", "paul_staging", "fakermaker", "did_plc_z5vnbioquyhivxirw3bbljmu"] {
            let document = try DIDDocument(data: try Vectors.data("indigo/testing/testdata/\(name).didDoc.json"))
            let reference = try document.signingKey()
            keys[document.id.description] = try reference.didKeyString.map { try PublicKey(didKey: $0) }
                ?? PublicKey(verificationMethodType: reference.type, publicKeyMultibase: reference.publicKeyMultibase)
        }
        return keys
    }

    static func commitDID(_ car: [UInt8]) throws -> String {
        let file = try CARFile(bytes: car)
        let commit = try Commit(block: Array(try #require(file.data(for: file.root))), acceptVersion2: true)
        return commit.did
    }

    @Test func vectorCounts() throws {
        var keyed: [String] = []
        let keys = try Self.documents()
        for testCase in Self.cases where keys[try Self.commitDID([UInt8](try Vectors.data(testCase.path)))] != nil {
            keyed.append(testCase.path)
        }
        print("vectors: mirror imports: \(Self.cases.count) repositories, \(keyed.count) with their key: \(keyed)")
        #expect(Self.cases.count == 8 && keyed.count == 3)
    }

    /// Repositories whose account key ships beside them are verified in full, signature included (or refused
    /// with the expected signature failure); the others (published without their key), and the refused ones,
    /// then take the test-only path that skips the signature while everything else (hashes, did, every node,
    /// the rebuild, every record) is still verified.
    @Test(arguments: cases)
    func importVerifiesAndExportReimportsToTheSameSignedRoot(_ testCase: RepoCase) throws {
        let car = [UInt8](try Vectors.data(testCase.path))
        let did = try Self.commitDID(car)
        var key = try Self.documents()[did]
        if let key, let refused = testCase.refusedSignature {
            let database = TemporaryDatabase()
            defer { database.remove() }
            let store = try database.open()
            do {
                _ = try store.mirrors.importRepository(did: did, blocks: try CARBytesStream(bytes: car), key: key)
                Issue.record("the signature must be refused")
            } catch let error as FirehoseSyncError {
                #expect(error.code == .badSignature && error.reason.contains(refused), "\(error)")
            }
            #expect(try store.mirrors.mirror(did: did) == nil)
        }
        if testCase.refusedSignature != nil { key = nil }
        try roundTrip(car: car, did: did, key: key, expectedRecords: testCase.records)
    }

    func roundTrip(car: [UInt8], did: String, key: PublicKey?, expectedRecords: Int?) throws {
        let first = TemporaryDatabase()
        let second = TemporaryDatabase()
        defer { first.remove(); second.remove() }
        let store = try first.open()
        let report = try store.mirrors.importRepository(did: did, blocks: try CARBytesStream(bytes: car), checkingSignatureWith: key, filter: nil)
        #expect(report.signatureChecked == (key != nil))
        if let expectedRecords { #expect(report.records == expectedRecords) }
        #expect(report.kept == report.records && report.created == report.records)
        #expect(report.accountUpdated)
        let info = try #require(try store.mirrors.mirror(did: did))
        #expect(info.data == report.data && info.commit == report.commit && info.stale == nil)
        #expect(info.records == report.records)
        #expect(try store.accounts([did])[did]?.data == report.data)

        let exported = try store.exportedCAR(did: did)
        let reread = try CARFile(bytes: exported)
        #expect(reread.roots == [report.commit])
        #expect(reread.blocks.first?.cid == report.commit)
        #expect(reread.blocks.count > 1 && reread.blocks[1].cid == report.data)

        let again = try second.open()
        let reimported = try again.mirrors.importRepository(did: did, blocks: try CARBytesStream(bytes: exported), checkingSignatureWith: key, filter: nil)
        #expect(reimported.data == report.data && reimported.commit == report.commit)
        #expect(reimported.extraBlocks == 0)
        #expect(try again.allMirrorRecords(did: did) == (try store.allMirrorRecords(did: did)))
        // A second export is byte-identical.
        #expect(try again.exportedCAR(did: did) == exported)
    }
}
