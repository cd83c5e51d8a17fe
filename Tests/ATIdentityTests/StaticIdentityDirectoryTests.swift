import ATCrypto
import ATIdentity
import ATSyntax
import Foundation
import Testing

/// The identities file as a directory: key history chosen by seq, the typed `previousKeys` codec, and the PDS host.
@Suite struct StaticIdentityDirectoryTests {
    static let k256 = "did:key:zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF"
    static let p256 = "did:key:zDnaeTiq1PdzvZXUaMdezchcMJQpBdH2VN4pgrrEhMCCbmwSb"
    static let did = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"

    /// An account whose key rotated from P-256 to K-256 at seq 100.
    static func rotatedFile() -> Data {
        Data("""
        {"\(did)": {"signingKey": "\(k256)", "pds": "https://pds.example.com:8443",
                    "previousKeys": [{"signingKey": "\(p256)", "beforeSeq": 100}]}}
        """.utf8)
    }

    static func didKey(_ lookup: SigningKeyLookup) -> String? {
        if case .key(let key, let fresh) = lookup, fresh { return key.didKey }
        return nil
    }

    @Test func eachEventIsCheckedWithTheKeyCurrentAtItsSeq() async throws {
        let directory = try StaticIdentityDirectory(data: Self.rotatedFile())
        #expect(Self.didKey(await directory.signingKey(for: Self.did, seq: 99, fresh: false)) == Self.p256)
        #expect(Self.didKey(await directory.signingKey(for: Self.did, seq: 100, fresh: false)) == Self.k256)
        #expect(Self.didKey(await directory.signingKey(for: Self.did, seq: nil, fresh: false)) == Self.k256)
    }

    @Test func previousKeysSurviveAWriteAndARead() throws {
        let identities = try StaticIdentities(data: Self.rotatedFile())
        let did = try DID(Self.did)
        #expect(identities.previousKeys[did] == [StaticIdentities.PreviousKey(signingKey: Self.p256, beforeSeq: 100)])
        let written = identities.encoded()
        #expect(try StaticIdentities(data: written) == identities)
        #expect(String(decoding: written, as: UTF8.self).contains("beforeSeq"))
    }

    @Test(arguments: [
        "[{\"signingKey\": \"\(p256)\"}]", "[{\"beforeSeq\": 5}]", "[{\"signingKey\": \"\(p256)\", \"beforeSeq\": \"5\"}]",
    ])
    func incompletePreviousKeysAreRefused(_ history: String) {
        let text = "{\"\(Self.did)\": {\"signingKey\": \"\(Self.k256)\", \"previousKeys\": \(history)}}"
        #expect(throws: ATIdentityError(.invalidIdentitiesFile, "")) { try StaticIdentityDirectory(data: Data(text.utf8)) }
    }

    @Test func theHostIsThePDSHostAndPort() async throws {
        let directory = try StaticIdentityDirectory(data: Self.rotatedFile())
        #expect(await directory.pdsHost(for: Self.did) == "pds.example.com:8443")
        #expect(await directory.pdsEndpoint(for: Self.did) == nil)
        #expect(await directory.pdsHost(for: "did:plc:nobody") == nil)
    }

    @Test func unknownDIDsAndAMissingOptionalFileAreUnavailable() async throws {
        let directory = try StaticIdentityDirectory(path: "/nonexistent/identities.json")
        guard case .unavailable = await directory.signingKey(for: Self.did, seq: nil, fresh: false) else {
            Issue.record("a DID missing from the file has no key")
            return
        }
        #expect(throws: ATIdentityError(.invalidIdentitiesFile, "")) {
            try StaticIdentityDirectory(path: "/nonexistent/identities.json", required: true)
        }
    }

    @Test func aReferenceGivesItsPublicKey() throws {
        let reference = try SigningKeyReference(didKey: Self.p256)
        #expect(try reference.publicKey().didKey == Self.p256)
        #expect(try reference.publicKey(cache: KeyCache(capacity: 4)).didKey == Self.p256)
    }
}
