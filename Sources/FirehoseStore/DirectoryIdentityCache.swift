public import ATIdentity
public import ATSyntax

/// The database's identity cache as seen through one PLC directory (``SQLiteIdentityCache/cache(directory:)``):
/// did:plc entries are stored with the directory that answered and only read back for look-ups through it, so a
/// failure cached while asking `https://plc.directory` never answers a look-up through `--plc http://127.0.0.1:…`
/// (and the other way round). did:web entries do not depend on the directory.
public struct DirectoryIdentityCache: IdentityCacheStore {
    /// The database.
    public let store: SQLiteStateStore
    /// The PLC directory's URL, without a trailing `/`.
    public let directory: String

    /// The cache of `store` for look-ups through `directory`.
    public init(store: SQLiteStateStore, directory: String) {
        self.store = store
        var base = Substring(directory)
        while base.hasSuffix("/") { base = base.dropLast() }
        self.directory = String(base)
    }

    public func loadIdentity(_ did: DID) throws -> IdentityCachePolicy.Entry? {
        try store.identities.loadIdentity(did, directory: directory)
    }

    public func saveIdentity(_ did: DID, _ entry: IdentityCachePolicy.Entry) throws {
        try store.identities.saveIdentity(did, entry, directory: directory)
    }

    public func deleteIdentity(_ did: DID) throws {
        try store.identities.deleteIdentity(did)
    }
}
