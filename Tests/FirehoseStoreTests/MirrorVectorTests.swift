import ATCrypto
import ATIdentity
import ATRepo
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
        /// The DID document holding the account key, when the vector ships one.
        let didDocument: String?
        let records: Int?
        var description: String { path }
    }

    static let keyed: [RepoCase] = [
        RepoCase(path: "indigo/testing/testdata/greenground.repo.car", didDocument: "indigo/testing/testdata/greenground.didDoc.json", records: 2),
        RepoCase(path: "indigo/testing/testdata/divy.repo", didDocument: "indigo/testing/testdata/did_plc_z5vnbioquyhivxirw3bbljmu.didDoc.json", records: 6),
        RepoCase(path: "indigo/testing/testdata/paul_staging.repo.car", didDocument: "indigo/testing/testdata/paul_staging.didDoc.json", records: 185),
    ]

    /// Published without their account key: imported with the signature check skipped (test-only path);
    /// everything else (hashes, did, every node, rebuild, every record) is verified.
    static let unkeyed: [RepoCase] = [
        RepoCase(path: "shrike/benches/fixtures/calabro.car", didDocument: nil, records: 4347),
        RepoCase(path: "indigo/atproto/repo/testdata/bnewbold.robocracy.org.20250310005405.car", didDocument: nil, records: 38),
        RepoCase(path: "rsky/rsky-repo/resources/test/valid_repo.car", didDocument: nil, records: 6),
        RepoCase(path: "indigo/testing/testdata/fakermaker.repo.car", didDocument: nil, records: 142),
    ]

    static func commitDID(_ car: [UInt8]) throws -> String {
        let file = try CARFile(bytes: car)
        let commit = try Commit(block: Array(try #require(file.data(for: file.root))), acceptVersion2: true)
        return commit.did
    }

    static func key(_ path: String) throws -> PublicKey {
        let document = try DIDDocument(data: try Vectors.data(path))
        let reference = try document.signingKey()
        if let didKey = reference.didKeyString { return try PublicKey(didKey: didKey) }
        return try PublicKey(verificationMethodType: reference.type, publicKeyMultibase: reference.publicKeyMultibase)
    }

    @Test func vectorCounts() {
        print("vectors: mirror imports: \(Self.keyed.count) repositories with their key, \(Self.unkeyed.count) without")
        #expect(Self.keyed.count == 3 && Self.unkeyed.count == 4)
    }

    @Test(arguments: keyed)
    func importVerifiesTheSignatureAndExportReimportsToTheSameSignedRoot(_ testCase: RepoCase) throws {
        let car = [UInt8](try Vectors.data(testCase.path))
        let did = try Self.commitDID(car)
        let key = try Self.key(try #require(testCase.didDocument))
        try roundTrip(car: car, did: did, key: key, expectedRecords: testCase.records)
    }

    @Test(arguments: unkeyed)
    func importWithoutKeyVerifiesStructureAndExportReimportsToTheSameRoot(_ testCase: RepoCase) throws {
        let car = [UInt8](try Vectors.data(testCase.path))
        let did = try Self.commitDID(car)
        try roundTrip(car: car, did: did, key: nil, expectedRecords: testCase.records)
    }

    func roundTrip(car: [UInt8], did: String, key: PublicKey?, expectedRecords: Int?) throws {
        let first = TemporaryDatabase()
        let second = TemporaryDatabase()
        defer { first.cleanUp(); second.cleanUp() }
        let store = try first.open()
        let report = try store.importMirror(did: did, blocks: try CARBytesStream(bytes: car), checkingSignatureWith: key, filter: nil)
        #expect(report.signatureChecked == (key != nil))
        if let expectedRecords { #expect(report.records == expectedRecords) }
        #expect(report.kept == report.records && report.created == report.records)
        #expect(report.accountUpdated)
        let info = try #require(try store.mirror(did: did))
        #expect(info.data == report.data && info.commit == report.commit && info.stale == nil)
        #expect(info.records == report.records)
        #expect(try store.accounts([did])[did]?.data == report.data)

        let exported = try store.exportedCAR(did: did)
        let reread = try CARFile(bytes: exported)
        #expect(reread.roots == [report.commit])
        #expect(reread.blocks.first?.cid == report.commit)
        #expect(reread.blocks.count > 1 && reread.blocks[1].cid == report.data)

        let again = try second.open()
        let reimported = try again.importMirror(did: did, blocks: try CARBytesStream(bytes: exported), checkingSignatureWith: key, filter: nil)
        #expect(reimported.data == report.data && reimported.commit == report.commit)
        #expect(reimported.extraBlocks == 0)
        #expect(try again.allMirrorRecords(did: did) == (try store.allMirrorRecords(did: did)))
        // A second export is byte-identical.
        #expect(try again.exportedCAR(did: did) == exported)
    }
}
