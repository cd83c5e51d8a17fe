public import ATSyntax

/// Resolves a DID to the identity facts verification needs. Implementations: ``IdentityCache`` (a caching
/// wrapper) and the HTTP resolvers of the network layer (PLC directory, did:web); an identities file answers
/// with ``StaticIdentities/resolve(_:fetchedAt:)``.
///
/// Errors are ``ATIdentityError`` values so that failures can be cached and reported with a code
/// (`not-found`, `tombstoned`, `wrong-did`, `resolution-failed`, …).
public protocol IdentityResolver: Sendable {
    /// Resolves `did`.
    func resolve(_ did: DID) async throws(ATIdentityError) -> ResolvedIdentity
}
