public import ATSyntax

/// What resolving a DID yields for verification: its signing key (or why there is none), PDS and
/// claimed handle, and when it was fetched.
public struct ResolvedIdentity: Hashable, Sendable {
    /// The DID that was resolved.
    public let did: DID
    /// The `#atproto` signing key, or why none is usable (`no-signing-key`, `unsupported-key-type`, …).
    /// A document without a usable key still resolves: the account exists, its commits are unverifiable.
    public let signingKey: Result<SigningKeyReference, ATIdentityError>
    /// The `#atproto_pds` endpoint, when present and well-formed.
    public let pds: ServiceEndpoint?
    /// The handle claimed in `alsoKnownAs` (not verified both ways here).
    public let handle: Handle?
    /// When the identity was fetched, in microseconds since the Unix epoch.
    public let fetchedAt: Int64

    /// Creates a resolved identity from its parts.
    public init(did: DID, signingKey: Result<SigningKeyReference, ATIdentityError>, pds: ServiceEndpoint?,
                handle: Handle?, fetchedAt: Int64) {
        self.did = did
        self.signingKey = signingKey
        self.pds = pds
        self.handle = handle
        self.fetchedAt = fetchedAt
    }

    /// The identity stated by `document`, which must be the document of `did` (else `wrong-did`).
    public init(did: DID, document: DIDDocument, fetchedAt: Int64) throws(ATIdentityError) {
        try document.checkID(did)
        let key: Result<SigningKeyReference, ATIdentityError>
        do throws(ATIdentityError) {
            key = .success(try document.signingKey())
        } catch {
            key = .failure(error)
        }
        self.init(did: did, signingKey: key, pds: document.pdsEndpoint, handle: document.handle, fetchedAt: fetchedAt)
    }

    /// The signing key when there is one.
    public var signingKeyReference: SigningKeyReference? { try? signingKey.get() }
}
