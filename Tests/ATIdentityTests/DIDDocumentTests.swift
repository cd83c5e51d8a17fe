import ATIdentity
import ATSyntax
import FirehoseTesting
import Foundation
import Testing

/// What each DID document vector must parse to.
struct DocumentExpectation: Sendable, CustomTestStringConvertible {
    let file: String
    let did: String
    let keyType: String?
    let publicKeyMultibase: String?
    let didKeyPrefix: String?
    let pds: String?
    let handle: String?
    var testDescription: String { file }
}

@Suite struct DIDDocumentTests {
    static let expectations: [DocumentExpectation] = [
        .init(file: "indigo/atproto/identity/testdata/did_plc_doc.json", did: "did:plc:ewvi7nxzyoun6zhxrhs64oiz",
              keyType: "Multikey", publicKeyMultibase: "zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF",
              didKeyPrefix: "did:key:zQ3s", pds: "https://bsky.social", handle: "atproto.com"),
        .init(file: "indigo/atproto/identity/testdata/did_plc_doc_legacy.json", did: "did:plc:ewvi7nxzyoun6zhxrhs64oiz",
              keyType: "EcdsaSecp256k1VerificationKey2019",
              publicKeyMultibase: "zQYEBzXeuTM9UR3rfvNag6L3RNAs5pQZyYPsomTsgQhsxLdEgCrPTLgFna8yqCnxPpNT7DBk6Ym3dgPKNu86vt9GR",
              didKeyPrefix: "did:key:zQ3s", pds: "https://bsky.social", handle: "atproto.com"),
        .init(file: "indigo/atproto/identity/testdata/did_web_doc.json", did: "did:web:discover.bsky.social",
              keyType: nil, publicKeyMultibase: nil, didKeyPrefix: nil, pds: nil, handle: nil),
        .init(file: "indigo/testing/testdata/did_plc_z5vnbioquyhivxirw3bbljmu.didDoc.json", did: "did:plc:z5vnbioquyhivxirw3bbljmu",
              keyType: "EcdsaSecp256k1VerificationKey2019",
              publicKeyMultibase: "zPgFC4hKo2MFLkBRQuHewXRDp94MSrd3yuiJ1En87qTeF68T92DPWvWSjxjMuMiB4qz8UzE8wWTNvZq7mgr7BsjW9",
              didKeyPrefix: "did:key:zQ3s", pds: "http://localhost:2583", handle: "koch5149-c5.test"),
        .init(file: "indigo/testing/testdata/fakermaker.didDoc.json", did: "did:plc:dpg45vsnuir2vqqqadsn6afg",
              keyType: "EcdsaSecp256r1VerificationKey2019",
              publicKeyMultibase: "zNMqQUvfLpsD4DMAg1TzzB1SnBBe8unWUcy1DJ6qjY8hLgdriSFkfv781S68StfVxPMWoiJeEKfTJc183WsKZithS",
              didKeyPrefix: "did:key:zDn", pds: "http://localhost:2583", handle: "ebert9014-89.test"),
        .init(file: "indigo/testing/testdata/greenground.didDoc.json", did: "did:plc:wqgdnqlv2mwiio6pfchwtrff",
              keyType: "EcdsaSecp256k1VerificationKey2019",
              publicKeyMultibase: "zQYEBzXeuTM9UR3rfvNag6L3RNAs5pQZyYPsomTsgQhsxLdEgCrPTLgFna8yqCnxPpNT7DBk6Ym3dgPKNu86vt9GR",
              didKeyPrefix: "did:key:zQ3s", pds: "https://bsky.social", handle: "greenground.bsky.social"),
        .init(file: "indigo/testing/testdata/paul_staging.didDoc.json", did: "did:plc:cmpvykrzb2l22kj4ojlv3ox4",
              keyType: "EcdsaSecp256k1VerificationKey2019",
              publicKeyMultibase: "zRUTFuPmtaLAcwxS8GGhyTy2y9CmbNLRJtvqNuYXZ5SCU2hRvsJHpiZzDWafLhBx6YiN2NEE7QHen1pokhd7Ptsnb",
              didKeyPrefix: "did:key:zQ3s", pds: "https://pds.staging.bsky.dev", handle: "paul.staging.bsky.dev"),
    ]

    /// Every DID document in the indigo vectors has an expectation (none is silently skipped).
    @Test func everyIndigoDIDDocumentIsCovered() throws {
        let found = Vectors.files(under: "indigo", suffix: ".json").filter { url in
            (try? String(contentsOf: url, encoding: .utf8))?.contains("verificationMethod") ?? false
        }
        let relative = Set(found.map { $0.path.replacingOccurrences(of: Vectors.root.path + "/", with: "") })
        print("vectors: indigo DID documents: \(relative.count) files")
        #expect(relative == Set(Self.expectations.map(\.file)))
        #expect(relative.count == 7)
    }

    @Test(arguments: expectations)
    func documentsParseToTheRightIdentity(_ expected: DocumentExpectation) throws {
        let document = try DIDDocument(data: Vectors.data(expected.file))
        let did = try DID(expected.did)
        try document.checkID(did)
        #expect(document.handle?.description == expected.handle)
        #expect(document.pdsEndpoint?.description == expected.pds)
        if let keyType = expected.keyType {
            let key = try document.signingKey()
            #expect(key.type == keyType)
            #expect(key.publicKeyMultibase == expected.publicKeyMultibase)
            let didKey = try #require(key.didKeyString)
            #expect(didKey.hasPrefix(try #require(expected.didKeyPrefix)))
        } else {
            #expect(throws: ATIdentityError(.noSigningKey, "")) { try document.signingKey() }
        }
        let resolved = try ResolvedIdentity(did: did, document: document, fetchedAt: 7)
        #expect(resolved.signingKeyReference?.publicKeyMultibase == expected.publicKeyMultibase)
        #expect(resolved.fetchedAt == 7)
    }

    @Test func legacyAndMultikeyFormsHoldTheSameKey() throws {
        let current = try DIDDocument(data: Vectors.data("indigo/atproto/identity/testdata/did_plc_doc.json")).signingKey()
        let legacy = try DIDDocument(data: Vectors.data("indigo/atproto/identity/testdata/did_plc_doc_legacy.json")).signingKey()
        #expect(!current.isLegacy && legacy.isLegacy)
        #expect(current.didKeyString == "did:key:zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF")
        #expect(legacy.didKeyString == current.didKeyString)
    }

    static func signatureFixtures() -> [[String: String]] {
        guard let list = try? Vectors.json("interop/crypto/signature-fixtures.json") as? [[String: Any]] else { return [] }
        return list.map { $0.compactMapValues { $0 as? String } }
    }

    /// The signature fixtures give the legacy compressed 33-byte form beside the did:key.
    @Test func signatureFixtureCountIsSix() {
        print("vectors: interop/crypto/signature-fixtures.json: \(Self.signatureFixtures().count) cases")
        #expect(Self.signatureFixtures().count == 6)
    }

    @Test(arguments: signatureFixtures())
    func legacyCompressedKeysConvertToTheirDIDKey(_ fixture: [String: String]) throws {
        let key = try SigningKeyReference(type: try #require(fixture["didDocSuite"]),
                                          publicKeyMultibase: try #require(fixture["publicKeyMultibase"]))
        #expect(key.didKeyString == fixture["publicKeyDid"])
    }

    @Test func wrongDocumentIDIsRefused() throws {
        let document = try DIDDocument(data: Vectors.data("indigo/testing/testdata/greenground.didDoc.json"))
        let other = try DID("did:plc:kzcqsvfqwjh3t2jymhbeq5dq")
        #expect(throws: ATIdentityError(.wrongDID, "")) { try document.checkID(other) }
        #expect(throws: ATIdentityError(.wrongDID, "")) { try ResolvedIdentity(did: other, document: document, fetchedAt: 0) }
    }

    static func document(_ did: String, methods: [[String: String]], services: [[String: String]] = [],
                         alsoKnownAs: [String] = []) throws -> DIDDocument {
        let object: [String: Any] = ["id": did, "verificationMethod": methods, "service": services, "alsoKnownAs": alsoKnownAs]
        return try DIDDocument(data: JSONSerialization.data(withJSONObject: object))
    }

    @Test func keysControlledByAnotherDIDAreIgnored() throws {
        let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
        let document = try Self.document(did, methods: [
            ["id": "#atproto", "type": "Multikey", "controller": "did:plc:someoneelse", "publicKeyMultibase": "zQ3shOTHER"],
            ["id": did + "#atproto", "type": "Multikey", "controller": did, "publicKeyMultibase": "zQ3shMINE"],
        ])
        #expect(try document.signingKey().publicKeyMultibase == "zQ3shMINE")
        let onlyForeign = try Self.document(did, methods: [
            ["id": "#atproto", "type": "Multikey", "controller": "did:plc:someoneelse", "publicKeyMultibase": "zQ3shOTHER"],
        ])
        #expect(throws: ATIdentityError(.noSigningKey, "")) { try onlyForeign.signingKey() }
    }

    @Test func unknownKeyTypesAreRefused() throws {
        let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
        let document = try Self.document(did, methods: [
            ["id": "#atproto", "type": "Ed25519VerificationKey2020", "controller": did, "publicKeyMultibase": "z6Mk"],
        ])
        #expect(throws: ATIdentityError(.unsupportedKeyType, "")) { try document.signingKey() }
        let resolved = try ResolvedIdentity(did: try DID(did), document: document, fetchedAt: 0)
        #expect(throws: ATIdentityError(.unsupportedKeyType, "")) { try resolved.signingKey.get() }
    }

    @Test func firstValidHandleAndConformingPDSAreChosen() throws {
        let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
        let document = try Self.document(did, methods: [], services: [
            ["id": "#atproto_pds", "type": "SomethingElse", "serviceEndpoint": "https://wrong.example"],
            ["id": did + "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "https://PDS.Example.com:8443/"],
        ], alsoKnownAs: ["https://not.a.handle", "at://bad_handle", "at://Alice.Example.COM", "at://second.test"])
        #expect(document.handle?.description == "alice.example.com")
        #expect(document.pdsEndpoint?.description == "https://pds.example.com:8443")
    }

    @Test(arguments: ["http://bsky.social", "https://bsky.social/xrpc", "https://bsky.social?x=1", "https://user@host.com",
                      "ftp://bsky.social", "https://", "https://host:0", "https://host:99999", "https://ho st.com", "bsky.social"])
    func malformedPDSEndpointsAreRefused(_ url: String) {
        #expect(ServiceEndpoint(url) == nil)
    }

    @Test(arguments: ["https://bsky.social", "http://localhost:2583", "http://127.0.0.1:8080", "https://[::1]:443", "https://a.b.c/"])
    func conformingPDSEndpointsParse(_ url: String) throws {
        let endpoint = try #require(ServiceEndpoint(url))
        #expect(url.hasPrefix(endpoint.description))
    }

    @Test(arguments: ["[]", "{}", "{\"id\": 5}", "{\"id\": \"not a did\"}", "nonsense", ""])
    func malformedDocumentsAreRefused(_ text: String) {
        #expect(throws: ATIdentityError(.badDocument, "")) { try DIDDocument(data: Data(text.utf8)) }
    }
}
