public import ATIdentity
public import ATSyntax

/// Resolves any supported DID over the network: `did:plc` through a ``PLCResolver``, `did:web`
/// through a ``WebDIDResolver``, both on one shared ``GuardedHTTPClient``; other methods are
/// `unsupported-did-method`.
public struct NetworkIdentityResolver: IdentityResolver {
    /// The PLC directory resolver.
    public let plc: PLCResolver
    /// The did:web resolver.
    public let web: WebDIDResolver

    /// Both resolvers over `http`, the PLC one asking `plcDirectory`.
    public init(plcDirectory: String = PLCResolver.defaultDirectory, http: GuardedHTTPClient, now: @escaping @Sendable () -> Int64) {
        self.plc = PLCResolver(directory: plcDirectory, http: http, now: now)
        self.web = WebDIDResolver(http: http, now: now)
    }

    public func resolve(_ did: DID) async throws(ATIdentityError) -> ResolvedIdentity {
        if did.isPLC { return try await plc.resolve(did) }
        if did.isWeb { return try await web.resolve(did) }
        throw ATIdentityError(.unsupportedMethod, "\(did): only did:plc and did:web are supported")
    }
}
