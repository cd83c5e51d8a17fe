package import ATCrypto
import ATIdentity
import ATSyntax
import FirehoseIngest
import FirehoseSync
import Foundation

/// The account and `#atproto` signing key a DID document names (`inspect car --verify --did-doc`).
package struct DIDDocumentSigner {
    /// The document's `id`.
    package let did: String
    /// Its `#atproto` key.
    package let key: PublicKey

    /// Reads the document from its JSON bytes. Throws the document's code, or `identity-unavailable` when it names
    /// no usable signing key.
    package init(json: [UInt8]) throws {
        let document: DIDDocument
        do {
            document = try DIDDocument(data: Data(json))
        } catch {
            throw ServiceError("\(error.code)", error.reason)
        }
        let reference: Result<SigningKeyReference, ATIdentityError>
        do {
            reference = .success(try document.signingKey())
        } catch {
            reference = .failure(error)
        }
        switch SigningKeyLookup(reference, fresh: true) {
        case .key(let publicKey, _):
            did = document.id.description
            key = publicKey
        case .unavailable(let why):
            throw ServiceError("identity-unavailable", why)
        }
    }
}
