import ATIdentity
import ATSyntax

/// Finds the PDS that hosts an account: the `#atproto_pds` service of its DID document (SPEC.md §11), for
/// fetching its repository when the relay does not serve it (SPEC.md §7.5 step 2).
public protocol PDSLocator: Sendable {
    /// The PDS base URL of `did` (e.g. `https://pds.example.com`), or nil when it cannot be found.
    func pdsEndpoint(for did: String) async -> String?
}

extension ResolvingKeyProvider: PDSLocator {
    /// The PDS from the DID document, through the same identity cache as the signing keys (no second
    /// resolution path).
    public func pdsEndpoint(for did: String) async -> String? {
        guard let parsed = try? DID(did), let identity = try? await cache.resolve(parsed) else { return nil }
        return identity.pds?.description
    }
}
