import FirehoseTesting
import Foundation
import Testing

/// `inspect car --verify` on the real repositories under Tests/Vectors.
@Suite("inspect car --verify")
struct InspectCARVerifyTests {
    static let testdata = "indigo/testing/testdata/"

    static let cases: [(car: String, didDoc: String?, status: Int32, expect: String)] = [
        ("shrike/benches/fixtures/calabro.car", nil, 0, "\"records\": 4347"),
        ("indigo/atproto/repo/testdata/bnewbold.robocracy.org.20250310005405.car", nil, 0, "\"rebuilt\": true"),
        ("rsky/rsky-repo/resources/test/valid_repo.car", nil, 0, "\"rebuilt\": true"),
        (testdata + "paul_staging.repo.car", testdata + "paul_staging.didDoc.json", 0, "\"signature\": \"valid\""),
        // greenground's signature verifies with the legacy key of its document, but the commit's DID differs.
        (testdata + "greenground.repo.car", testdata + "greenground.didDoc.json", 1, "error: field-mismatch"),
        // fakermaker is a P-256 repository with a high-S signature: strict verification refuses it.
        (testdata + "fakermaker.repo.car", testdata + "fakermaker.didDoc.json", 1, "error: bad-signature: invalid: high-s"),
        (testdata + "bafyreieovfuizojpw3zresz7sx3nk4trm2by23pt5rxbey3jme4uo5ogiu.car",
         testdata + "did_plc_z5vnbioquyhivxirw3bbljmu.didDoc.json", 1, "error: bad-signature"),
        // A partial slice is not a full repository.
        (testdata + "repo_slice.car", nil, 1, "error: "),
    ]

    @Test("real repositories verify or are refused for the right reason", arguments: 0..<cases.count)
    func repositoryVerdict(_ index: Int) throws {
        let item = Self.cases[index]
        var arguments = ["inspect", "car", "--verify", Vectors.url(item.car).path]
        if let didDoc = item.didDoc { arguments += ["--did-doc", Vectors.url(didDoc).path] }
        let result = try BreakwaterBinary.run(arguments)
        #expect(result.status == item.status, "\(item.car): \(result.stderr)")
        #expect((result.stdout + result.stderr).contains(item.expect), "\(item.car): \(result.stdout.prefix(200)) \(result.stderr)")
    }

    @Test func divyVerifiesWithGreengroundsKey() throws {
        // sig_test.go in indigo: divy's repository is signed with the same legacy key as greenground's document.
        let result = try BreakwaterBinary.run(["inspect", "car", "--verify", Vectors.url(Self.testdata + "divy.repo").path,
                                               "--did-doc", Vectors.url(Self.testdata + "greenground.didDoc.json").path,
                                               "--did", "did:plc:fz36gecghqb353ek23nem3ca"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"signature\": \"valid\""))
    }

    @Test("verify without a key says verified: false with the reason, not success")
    func verifyWithoutKeyIsNotVerified() throws {
        let result = try BreakwaterBinary.run(["inspect", "car", "--verify", Vectors.url(Self.testdata + "paul_staging.repo.car").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"verified\": false"), "\(result.stdout.prefix(400))")
        #expect(result.stdout.contains("\"signature\": \"not-checked\""))
        #expect(result.stdout.contains("signature not checked"))
        #expect(result.stdout.contains("\"rebuilt\": true"))
    }
}
