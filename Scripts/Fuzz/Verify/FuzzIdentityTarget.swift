// Target `identity`: DID documents, identities files (both entry forms) and the signing keys they name; identities
// files are read both ways, by the one-pass reader (IdentitiesFileReader) and the generic path it replaces, and the two
// must agree (compareIdentitiesFiles).
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
    compareIdentitiesFiles(data)
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

/// The one-pass reader of identities files against the generic path on the same bytes: both refuse with the same error
/// code, or both accept with the same key slots (in order, each key parsed) and hosts; the one-pass reader never reads a
/// file the generic path refuses, and what it reads is what the generic path reads.
func compareIdentitiesFiles(_ data: Data) {
    let old = Result { () throws(ATIdentityError) in try StaticIdentityDirectory(genericData: data) }
    let new = Result { () throws(ATIdentityError) in try StaticIdentityDirectory(data: data) }
    let tables = data.withUnsafeBytes { IdentitiesFileReader.read($0) }
    switch (old, new) {
    case (.failure(let a), .failure(let b)):
        // A refusal is always the generic path's own (the one-pass reader only declines). Its text can differ between
        // two readings of one file when several values are malformed (Foundation's decoder names whichever its
        // dictionary gives first), so only the code is compared here; the unit test compares texts on single faults.
        fuzzRequire(a.code == b.code, "identities file error codes differ: \(a) | \(b)")
        fuzzRequire(tables == nil, "the one-pass reader reads an identities file the generic path refuses: \(a)")
    case (.success(let a), .success(let b)):
        let expected = identitiesTables(a)
        fuzzRequire(identitiesTables(b) == expected, "identities file tables differ")
        if let tables {
            fuzzRequire(identitiesTables(StaticIdentityDirectory(slots: tables.slots, hosts: tables.hosts)) == expected,
                        "the one-pass reader's tables differ from the generic path's")
        }
    default:
        fuzzRequire(false, "one identities file reader accepts what the other refuses")
    }
}

/// Every DID of `directory` with its host and its key slots in order, each key parsed.
func identitiesTables(_ directory: StaticIdentityDirectory) -> [String] {
    directory.keys.keys.sorted().map { did in
        let slots = directory.keys[did, default: []].map { slot -> String in
            let lookup: String
            switch slot.key.lookup {
            case .key(let key, let fresh): lookup = "\(key.didKey) fresh \(fresh)"
            case .unavailable(let why): lookup = "unavailable: \(why)"
            }
            return "\(slot.beforeSeq.map(String.init) ?? "current") \(lookup)"
        }
        return "\(did) \(directory.hosts[did] ?? "-") \(slots.joined(separator: ", "))"
    } + directory.hosts.keys.filter { directory.keys[$0] == nil }.sorted()
}
