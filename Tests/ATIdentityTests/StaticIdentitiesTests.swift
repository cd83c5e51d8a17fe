import ATIdentity
import ATSyntax
import FirehoseTesting
import Foundation
import Testing

@Suite struct StaticIdentitiesTests {
    static let plcDoc = "indigo/atproto/identity/testdata/did_plc_doc.json"

    static func sampleFile() throws -> Data {
        let document = try JSONSerialization.jsonObject(with: Vectors.data(plcDoc))
        let greenground = try JSONSerialization.jsonObject(with: Vectors.data("indigo/testing/testdata/greenground.didDoc.json"))
        let object: [String: Any] = [
            "did:plc:ewvi7nxzyoun6zhxrhs64oiz": document,
            // Keyed by the commit DID, as a recording would be: the document belongs to another DID.
            "did:plc:kzcqsvfqwjh3t2jymhbeq5dq": greenground,
            "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa": ["signingKey": "did:key:zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF",
                                                 "pds": "https://pds.example.com", "privateKey": "00ff"],
            "did:web:example.com": ["signingKey": "did:key:zDnaeTiq1PdzvZXUaMdezchcMJQpBdH2VN4pgrrEhMCCbmwSb"],
        ]
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test func keyHistoryWithPrivateKeysRoundTripsEntryByEntry() throws {
        let text = """
        {"did:plc:aaaaaaaaaaaaaaaaaaaaaaaa": {"signingKey": "did:key:zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF", "pds": "https://pds.example.com",
          "previousKeys": [{"signingKey": "did:key:zDnaeTiq1PdzvZXUaMdezchcMJQpBdH2VN4pgrrEhMCCbmwSb", "beforeSeq": 7, "privateKey": "01"}]}}
        """
        let identities = try StaticIdentities(data: Data(text.utf8))
        let did = try DID("did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(identities.previousKeys[did] == [StaticIdentities.PreviousKey(
            signingKey: "did:key:zDnaeTiq1PdzvZXUaMdezchcMJQpBdH2VN4pgrrEhMCCbmwSb", beforeSeq: 7, privateKey: "01")])
        let entry = try #require(identities.encodedEntry(for: did))
        let decoded = try StaticIdentities.decodeEntry(entry, did: did)
        #expect(decoded.entry == identities.entries[did] && decoded.previousKeys == identities.previousKeys[did])
        #expect(try StaticIdentities(data: identities.encoded()) == identities)
    }

    @Test func identitiesFileRoundTrips() throws {
        let identities = try StaticIdentities(data: Self.sampleFile())
        #expect(identities.entries.count == 4)
        let written = identities.encoded()
        let reread = try StaticIdentities(data: written)
        #expect(reread == identities)
        // Deterministic: writing again gives the same bytes, keys in sorted order.
        #expect(reread.encoded() == written)
        let text = String(decoding: written, as: UTF8.self)
        let order = ["did:plc:aaaa", "did:plc:ewvi", "did:plc:kzcq", "did:web:example.com"].compactMap { text.range(of: $0)?.lowerBound }
        #expect(order.count == 4 && order == order.sorted())
        // The document is written back with its content unchanged.
        let original = try JSONSerialization.jsonObject(with: Vectors.data(Self.plcDoc)) as? NSDictionary
        let rewritten = try JSONSerialization.jsonObject(with: written) as? [String: Any]
        #expect((rewritten?["did:plc:ewvi7nxzyoun6zhxrhs64oiz"] as? NSDictionary) == original)
    }

    @Test func shortAndFullFormsResolve() async throws {
        let identities = try StaticIdentities(data: Self.sampleFile())
        let full = try identities.resolve(try DID("did:plc:ewvi7nxzyoun6zhxrhs64oiz"), fetchedAt: 42)
        #expect(full.signingKeyReference?.didKeyString == "did:key:zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF")
        #expect(full.handle?.description == "atproto.com")
        #expect(full.pds?.description == "https://bsky.social")
        #expect(full.fetchedAt == 42)
        let short = try identities.resolve(try DID("did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"), fetchedAt: 42)
        #expect(short.signingKeyReference?.type == "Multikey")
        #expect(short.signingKeyReference?.didKeyString == "did:key:zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF")
        #expect(short.pds?.description == "https://pds.example.com")
        let noPDS = try identities.resolve(try DID("did:web:example.com"), fetchedAt: 42)
        #expect(noPDS.pds == nil && noPDS.signingKeyReference != nil)
    }

    @Test func documentOfAnotherDIDIsRefusedOnResolve() async throws {
        let identities = try StaticIdentities(data: Self.sampleFile())
        #expect(throws: ATIdentityError(.wrongDID, "")) {
            try identities.resolve(try DID("did:plc:kzcqsvfqwjh3t2jymhbeq5dq"), fetchedAt: 0)
        }
    }

    @Test func unknownDIDIsNotFound() async throws {
        #expect(throws: ATIdentityError(.notFound, "")) { try StaticIdentities().resolve(try DID("did:plc:nobody"), fetchedAt: 0) }
    }

    @Test(arguments: [
        "[]", "{\"not-a-did\": {\"signingKey\": \"did:key:zQ3sh\"}}", "{\"did:plc:x\": 5}",
        "{\"did:plc:x\": {\"pds\": \"https://a.b\"}}", "{\"did:plc:x\": {\"signingKey\": \"zQ3sh\"}}",
        "{\"did:plc:x\": {\"signingKey\": \"did:key:zQ3sh\", \"pds\": 7}}", "{\"did:plc:x\": {\"id\": \"bad\"}}", "{",
    ])
    func malformedIdentitiesFilesAreRefused(_ text: String) {
        #expect(throws: ATIdentityError(.invalidIdentitiesFile, "")) { try StaticIdentities(data: Data(text.utf8)) }
    }

    @Test func jsonBooleansAndNumbersStayDistinct() throws {
        let value = try IdentityJSON(data: Data("{\"a\": true, \"b\": 1, \"c\": 1.5, \"d\": null, \"e\": [false, 0]}".utf8))
        #expect(value["a"] == .bool(true))
        #expect(value["b"] == .int(1))
        #expect(value["c"] == .double(1.5))
        #expect(value["d"] == .null)
        #expect(value["e"] == .array([.bool(false), .int(0)]))
        #expect(try IdentityJSON(data: value.encoded()) == value)
    }
}
