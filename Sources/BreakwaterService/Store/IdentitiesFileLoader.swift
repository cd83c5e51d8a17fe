package import ATIdentity

/// Signing keys from an identities file, for the commands that resolve nothing over the network.
package enum IdentitiesFileLoader {
    /// The keys of the identities file at `path`; a missing file is an error when `required`, else no keys.
    /// Throws `invalid-identities`.
    package static func load(path: String, required: Bool) throws -> StaticIdentityDirectory {
        do throws(ATIdentityError) {
            return try StaticIdentityDirectory(path: path, required: required)
        } catch {
            throw ServiceError("invalid-identities", error.reason)
        }
    }
}
