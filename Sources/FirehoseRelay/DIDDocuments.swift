import ATIdentity
import ATSyntax
import Foundation

/// DID documents served by `breakwater serve` as a PLC directory (`GET /{did}`), built from a recording's
/// `identities.json` (Docs/CONTRACT.md §2, read with ``StaticIdentities``): full documents are returned as stored; the
/// short form `{signingKey, pds}` becomes a document with a Multikey `#atproto` verification method and an
/// `#atproto_pds` service (https://atproto.com/specs/did#did-documents). Private keys never leave the file.
struct DIDDocuments: Sendable {
    let documents: [String: Data]

    /// Loads `path`; a missing file gives no documents.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            documents = [:]
            return
        }
        let identities: StaticIdentities
        do throws(ATIdentityError) {
            identities = try StaticIdentities(data: data)
        } catch {
            throw RelayError(.recordingUnreadable, "\(path) is not an identities file: \(error.reason)")
        }
        var documents: [String: Data] = [:]
        for (did, entry) in identities.entries {
            documents[did.description] = DIDDocuments.document(did: did, entry: entry).encoded()
        }
        self.documents = documents
    }

    /// The document served for one entry.
    static func document(did: DID, entry: StaticIdentities.Entry) -> IdentityJSON {
        let id = did.description
        switch entry {
        case .document(let document):
            guard case .object(var members) = document.json else { return document.json }
            members.removeValue(forKey: "privateKey")
            return .object(members)
        case .short(let short):
            var members: [String: IdentityJSON] = [
                "@context": .array([.string("https://www.w3.org/ns/did/v1"), .string("https://w3id.org/security/multikey/v1")]),
                "id": .string(id),
                "alsoKnownAs": .array([]),
                "verificationMethod": .array([.object([
                    "id": .string(id + "#atproto"),
                    "type": .string("Multikey"),
                    "controller": .string(id),
                    "publicKeyMultibase": .string(String(short.signingKey.dropFirst("did:key:".count))),
                ])]),
            ]
            if let pds = short.pds {
                members["service"] = .array([.object([
                    "id": .string("#atproto_pds"), "type": .string("AtprotoPersonalDataServer"), "serviceEndpoint": .string(pds),
                ])])
            }
            return .object(members)
        }
    }
}
