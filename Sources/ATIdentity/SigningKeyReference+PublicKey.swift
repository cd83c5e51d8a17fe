public import ATCrypto

extension SigningKeyReference {
    /// The usable public key: through `cache` (parsed once per did:key) when the reference has a did:key form,
    /// else parsed from its verification method type and multibase. Throws when the point or encoding is unusable.
    public func publicKey(cache: KeyCache? = nil) throws -> PublicKey {
        if let didKey = didKeyString {
            if let cache { return try cache.key(didKey: didKey) }
            return try PublicKey(didKey: didKey)
        }
        return try PublicKey(verificationMethodType: type, publicKeyMultibase: publicKeyMultibase)
    }
}

extension SigningKeyLookup {
    /// The lookup of a stated key: ``key(_:fresh:)`` when `reference` is a usable key, else ``unavailable(_:)``
    /// with the reason (the resolution's error, or an unusable `#atproto` key).
    public init(_ reference: Result<SigningKeyReference, ATIdentityError>, fresh: Bool, cache: KeyCache? = nil) {
        switch reference {
        case .failure(let error):
            self = .unavailable("\(error)")
        case .success(let reference):
            do {
                self = .key(try reference.publicKey(cache: cache), fresh: fresh)
            } catch {
                self = .unavailable("unusable #atproto key: \(error)")
            }
        }
    }
}
