import ATCrypto
import Foundation
import FirehoseTesting
import Testing

/// DID-document keys: indigo's identity test documents (Multikey and legacy forms) and the
/// `keys.atproto` of every account in indigo's relay scenarios (vectors README §2.5, §2.9).
@Suite struct DIDDocumentKeyTests {
    static let identityFolder = "indigo/atproto/identity/testdata"
    static let relayFolder = "indigo/cmd/relay/testing/testdata"

    struct Method: Sendable, CustomTestStringConvertible {
        let file: String
        let type: String
        let publicKeyMultibase: String
        var testDescription: String { "\(file): \(type) \(publicKeyMultibase)" }
    }

    static func documentMethods() -> [Method] {
        Vectors.files(under: identityFolder, suffix: ".json").flatMap { url -> [Method] in
            guard let data = try? Data(contentsOf: url),
                  let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return [] }
            let methods = document["verificationMethod"] as? [[String: Any]] ?? []
            return methods.map {
                Method(file: url.lastPathComponent, type: $0["type"] as? String ?? "",
                       publicKeyMultibase: $0["publicKeyMultibase"] as? String ?? "")
            }
        }
    }

    static func relayAccountKeys() -> [Method] {
        Vectors.files(under: relayFolder, suffix: ".json").flatMap { url -> [Method] in
            guard let data = try? Data(contentsOf: url),
                  let scenario = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return [] }
            return (scenario["accounts"] as? [[String: Any]] ?? []).map { account in
                let identity = account["identity"] as? [String: Any]
                let key = (identity?["keys"] as? [String: Any])?["atproto"] as? [String: Any]
                return Method(file: url.lastPathComponent, type: key?["type"] as? String ?? "",
                              publicKeyMultibase: key?["publicKeyMultibase"] as? String ?? "")
            }
        }
    }

    @Test func everyDocumentAndAccountIsLoaded() {
        let documentFiles = Vectors.files(under: Self.identityFolder, suffix: ".json").count
        let methods = Self.documentMethods()
        print("vectors: \(Self.identityFolder): \(documentFiles) documents, \(methods.count) verification methods")
        #expect(documentFiles == 3)
        #expect(methods.count == 2)
        let relayFiles = Vectors.files(under: Self.relayFolder, suffix: ".json").count
        let accounts = Self.relayAccountKeys()
        print("vectors: \(Self.relayFolder): \(relayFiles) files, \(accounts.count) account keys")
        #expect(relayFiles == 7)
        #expect(accounts.count == 7)
    }

    @Test(arguments: documentMethods() + relayAccountKeys())
    func everyListedKeyParses(_ method: Method) throws {
        let key = try PublicKey(verificationMethodType: method.type, publicKeyMultibase: method.publicKeyMultibase)
        if method.type == "Multikey" {
            #expect(key.multikey == method.publicKeyMultibase)
        } else {
            #expect(key.legacyMultibase == method.publicKeyMultibase)
        }
    }

    @Test func multikeyAndLegacyDocumentsHoldTheSameKey() throws {
        let methods = Self.documentMethods()
        let multikey = try #require(methods.first { $0.file == "did_plc_doc.json" })
        let legacy = try #require(methods.first { $0.file == "did_plc_doc_legacy.json" })
        #expect(multikey.type == "Multikey")
        #expect(legacy.type == "EcdsaSecp256k1VerificationKey2019")
        let fromMultikey = try PublicKey(verificationMethodType: multikey.type, publicKeyMultibase: multikey.publicKeyMultibase)
        let fromLegacy = try PublicKey(verificationMethodType: legacy.type, publicKeyMultibase: legacy.publicKeyMultibase)
        #expect(fromMultikey == fromLegacy)
        #expect(fromLegacy.curve == .k256)
    }
}
