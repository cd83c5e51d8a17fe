import ATCrypto
import Crypto
import Foundation
import FirehoseTesting
import Testing

/// `interop/crypto/signature-fixtures.json` (vectors README §2.4).
@Suite struct SignatureFixtureTests {
    static let file = "interop/crypto/signature-fixtures.json"

    struct Fixture: Sendable, CustomTestStringConvertible {
        let comment: String
        let message: [UInt8]
        let algorithm: String
        let suite: String
        let didKey: String
        let legacyMultibase: String
        let signature: [UInt8]
        let valid: Bool
        let tags: [String]
        var testDescription: String { comment }
    }

    static func fixtures() -> [Fixture] {
        TestSupport.objects(file).map { object in
            Fixture(
                comment: object["comment"] as? String ?? "",
                message: Vectors.base64(object["messageBase64"] as? String ?? "") ?? [],
                algorithm: object["algorithm"] as? String ?? "",
                suite: object["didDocSuite"] as? String ?? "",
                didKey: object["publicKeyDid"] as? String ?? "",
                legacyMultibase: object["publicKeyMultibase"] as? String ?? "",
                signature: Vectors.base64(object["signatureBase64"] as? String ?? "") ?? [],
                valid: object["validSignature"] as? Bool ?? false,
                tags: object["tags"] as? [String] ?? [])
        }
    }

    @Test func everyFixtureIsLoaded() {
        let count = Self.fixtures().count
        print("vectors: \(Self.file): \(count) cases")
        #expect(count == 6)
    }

    @Test(arguments: fixtures())
    func onlyCompactLowSSignaturesVerify(_ fixture: Fixture) throws {
        let key = try PublicKey(didKey: fixture.didKey)
        #expect(key.curve.jwtAlgorithm == fixture.algorithm)
        let check = key.verify(signature: fixture.signature, message: fixture.message)
        if fixture.valid {
            #expect(check == .valid)
        } else if fixture.tags.contains("high-s") {
            #expect(check == .invalid(.highS))
        } else if fixture.tags.contains("der-encoded") {
            #expect(check == .invalid(.wrongLength))
        } else {
            Issue.record("fixture without a known tag: \(fixture.tags)")
        }
    }

    @Test(arguments: fixtures())
    func legacyMultibaseNamesTheSameKeyAsTheDIDKey(_ fixture: Fixture) throws {
        let fromDIDKey = try PublicKey(didKey: fixture.didKey)
        let fromLegacy = try PublicKey(legacyMultibase: fixture.legacyMultibase, type: fixture.suite)
        #expect(fromLegacy == fromDIDKey)
        #expect(fromDIDKey.didKey == fixture.didKey)
    }

    @Test(arguments: fixtures().filter(\.valid))
    func digestEntryPointAgreesWithMessageEntryPoint(_ fixture: Fixture) throws {
        let key = try PublicKey(didKey: fixture.didKey)
        let digest = SHA256.hash(data: fixture.message)
        #expect(key.verify(signature: fixture.signature, digest: digest) == .valid)
        var tampered = fixture.message
        tampered.append(0)
        #expect(key.verify(signature: fixture.signature, digest: SHA256.hash(data: tampered)) == .invalid(.mismatch))
    }
}
