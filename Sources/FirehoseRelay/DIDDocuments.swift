import Foundation

/// DID documents served by `breakwater serve` as a PLC directory (`GET /{did}`), built from a recording's
/// `identities.json` (Docs/CONTRACT.md §2): full documents are returned as stored; the short form
/// `{signingKey, pds}` becomes a document with a Multikey `#atproto` verification method and an
/// `#atproto_pds` service (https://atproto.com/specs/did#did-documents). Private keys never leave the file.
struct DIDDocuments: Sendable {
    let documents: [String: Data]

    /// Loads `path`; a missing file gives no documents.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            documents = [:]
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RelayError(.recordingUnreadable, "\(path) is not a JSON object")
        }
        var documents: [String: Data] = [:]
        for (did, value) in object {
            guard let entry = value as? [String: Any], let document = DIDDocuments.document(did: did, entry: entry),
                  let bytes = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]) else { continue }
            documents[did] = bytes
        }
        self.documents = documents
    }

    /// The document for one entry, nil when it names no key.
    static func document(did: String, entry: [String: Any]) -> [String: Any]? {
        if entry["verificationMethod"] != nil || entry["id"] != nil {
            var document = entry
            document.removeValue(forKey: "privateKey")
            return document
        }
        guard let signingKey = entry["signingKey"] as? String, signingKey.hasPrefix("did:key:") else { return nil }
        var document: [String: Any] = [
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "alsoKnownAs": (entry["handle"] as? String).map { ["at://" + $0] } ?? [],
            "verificationMethod": [[
                "id": did + "#atproto",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": String(signingKey.dropFirst("did:key:".count)),
            ]],
        ]
        if let pds = entry["pds"] as? String {
            document["service"] = [["id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": pds]]
        }
        return document
    }
}
