import FirehoseIngest

/// Loads identities for the CLI, mapping failures to exit status 1.
enum IdentityLoading {
    static func staticKeys(path: String, required: Bool) throws -> StaticKeyProvider {
        do {
            return try IdentitiesFile.keyProvider(path: path, required: required)
        } catch {
            throw OperationalError("invalid-identities", "\(error)")
        }
    }
}
