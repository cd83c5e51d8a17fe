package import FirehoseIngest

/// Signing keys from an identities file, for the commands that resolve nothing over the network.
package enum StaticIdentities {
    /// The keys of the identities file at `path`; a missing file is an error when `required`, else no keys.
    /// Throws `invalid-identities`.
    package static func load(path: String, required: Bool) throws -> StaticKeyProvider {
        do {
            return try IdentitiesFile.keyProvider(path: path, required: required)
        } catch {
            throw ServiceError("invalid-identities", "\(error)")
        }
    }
}
