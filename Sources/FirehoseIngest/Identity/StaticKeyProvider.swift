public import FirehoseSync

/// Keys known up front (an identities file): no network look-ups. DIDs missing from it are unavailable.
public struct StaticKeyProvider: KeyProvider {
    let keys: [String: SigningKeyLookup]

    /// Creates a provider from parsed lookups keyed by DID.
    public init(keys: [String: SigningKeyLookup]) { self.keys = keys }

    public func signingKey(for did: String, fresh: Bool) async -> SigningKeyLookup {
        switch keys[did] {
        case .key(let key, _)?: return .key(key, fresh: true)  // static keys are as fresh as they get
        case .unavailable(let why)?: return .unavailable(why)
        case nil: return .unavailable("\(did) is not in the identities file")
        }
    }

    public func purge(_ did: String) async {}
}
