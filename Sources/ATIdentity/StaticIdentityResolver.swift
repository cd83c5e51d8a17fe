public import ATSyntax

/// Resolves DIDs from a fixed set of identities (an identities file): no network.
public struct StaticIdentityResolver: IdentityResolver {
    /// The identities served.
    public let identities: StaticIdentities
    private let now: @Sendable () -> Int64

    /// A resolver over `identities`; `now` (µs since the epoch) stamps ``ResolvedIdentity/fetchedAt``.
    public init(identities: StaticIdentities, now: @escaping @Sendable () -> Int64) {
        self.identities = identities
        self.now = now
    }

    public func resolve(_ did: DID) async throws(ATIdentityError) -> ResolvedIdentity {
        try identities.resolve(did, fetchedAt: now())
    }
}
