public import ATIdentity
import ATSyntax
public import Foundation

/// Identities for a recording resolved over the network (PLC / did:web), written in the short form of
/// Docs/CONTRACT.md §2 (`signingKey` as did:key, `pds`). Entries from an identities file, when given, come first.
public struct ResolverIdentitySource: RecordingIdentitySource {
    let resolver: any IdentityResolver
    let fallback: IdentitiesFileSource?

    /// Creates a source over `resolver`, consulting `file` first.
    public init(resolver: any IdentityResolver, file: IdentitiesFileSource?) {
        self.resolver = resolver
        self.fallback = file
    }

    public func identityJSON(for did: String) async -> Data? {
        if let entry = await fallback?.identityJSON(for: did) { return entry }
        guard let parsed = try? DID(did), let resolved = try? await resolver.resolve(parsed),
              let key = resolved.signingKeyReference?.didKeyString else { return nil }
        guard let short = try? StaticIdentities.ShortForm(signingKey: key, pds: resolved.pds?.description) else { return nil }
        return StaticIdentities.encodeEntry(.short(short)).encoded()
    }
}
