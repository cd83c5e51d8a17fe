package import ATCrypto
import FirehoseIngest
package import ATIdentity
import FirehoseSync

/// The key a mirror's repository must be signed with: the one given (`--key`), else the identities file's, else the
/// `#atproto` key of the DID document, from a resolver the caller already has or from one made for the look-up.
package enum MirrorSigningKey {
    /// The signing key of `did`. `makeResolver` is called only when no key, identities file or resolver is given;
    /// its source is released afterwards. Throws `invalid-key`, `invalid-identities` or `identity-unavailable`.
    package static func resolve(did: String, key: String?, identities: String?, resolver: (any IdentityDirectory)?,
                                makeResolver: () throws -> ConsumeService.KeySource) async throws -> PublicKey {
        if let key {
            do { return try PublicKey(didKey: key) } catch {
                throw ServiceError("invalid-key", "\(key): \(error)")
            }
        }
        if let identities {
            return try await signingKey(did: did, from: IdentitiesFileLoader.load(path: identities, required: true))
        }
        if let resolver { return try await signingKey(did: did, from: resolver) }
        let source = try makeResolver()
        do {
            let publicKey = try await signingKey(did: did, from: source.provider)
            await source.shutdown()
            return publicKey
        } catch {
            await source.shutdown()
            throw error
        }
    }

    /// The key `provider` gives for `did`, else `identity-unavailable`.
    static func signingKey(did: String, from provider: any IdentityDirectory) async throws -> PublicKey {
        switch await provider.signingKey(for: did, seq: nil, fresh: false) {
        case .key(let publicKey, _): return publicKey
        case .unavailable(let why): throw ServiceError("identity-unavailable", why)
        }
    }
}
