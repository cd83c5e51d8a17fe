// Target `identity`: DID documents, identities files (both entry forms) and the signing keys they name.
import Foundation

func fuzzIdentity(_ bytes: [UInt8]) {
    let data = Data(bytes)
    if let document = try? DIDDocument(data: data) {
        _ = document.handle
        _ = document.pdsEndpoint
        _ = try? document.checkID(document.id)
        if let reference = try? document.signingKey() {
            checkKey(reference)
        }
        // What a document says survives its own encoding.
        let again = try? DIDDocument(json: document.json)
        fuzzRequire(again == document, "a document re-reads from its JSON")
        _ = try? ResolvedIdentity(did: document.id, document: document, fetchedAt: 0)
    }
    if let identities = try? StaticIdentities(data: data) {
        for did in identities.entries.keys.sorted(by: { $0.description < $1.description }) {
            if let resolved = try? identities.resolve(did, fetchedAt: 0), let reference = resolved.signingKeyReference {
                checkKey(reference)
            }
        }
        // The file's own encoding reads back to the same entries.
        let reread = try? StaticIdentities(data: identities.encoded())
        fuzzRequire(reread == identities, "an identities file re-reads from its encoding")
    }
    if let text = String(validating: bytes, as: UTF8.self), text.utf8.count < 512 {
        if let key = try? PublicKey(didKey: text) { _ = key }
        if let key = try? PublicKey(multikey: text) { _ = key }
        if let reference = try? SigningKeyReference(didKey: text) { checkKey(reference) }
        _ = try? DID(text)
    }
}

/// A key reference turns into a public key or an error, never a trap; a did:key form names the same key.
func checkKey(_ reference: SigningKeyReference) {
    guard let key = try? PublicKey(verificationMethodType: reference.type, publicKeyMultibase: reference.publicKeyMultibase) else { return }
    if let didKey = reference.didKeyString, let same = try? PublicKey(didKey: didKey) {
        fuzzRequire(same == key, "the did:key form names the same key")
    }
    // A signature check over a fixed message answers, whatever the key.
    _ = key.verify(signature: [UInt8](repeating: 1, count: 64), message: [1, 2, 3])
}
