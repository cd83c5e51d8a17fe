import ATIdentity

/// Loads identities for the CLI, mapping failures to exit status 1.
enum IdentityLoading {
    static func staticKeys(path: String, required: Bool) throws -> StaticIdentityDirectory {
        do throws(ATIdentityError) {
            return try StaticIdentityDirectory(path: path, required: required)
        } catch {
            throw OperationalError("invalid-identities", error.reason)
        }
    }
}
