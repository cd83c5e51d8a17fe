public import FirehoseSync

/// Keys known up front (an identities file): no network look-ups. DIDs missing from it are unavailable.
///
/// A DID may carry key history (`previousKeys` with `beforeSeq`, written by `synth` and `record` when a key
/// rotated during a recording): an event is checked with the key that was current at its seq.
public struct StaticKeyProvider: KeyProvider {
    /// One key and the first seq it no longer applies to (nil: current).
    public struct Entry: Sendable {
        public var lookup: SigningKeyLookup
        public var beforeSeq: Int64?

        /// Creates an entry.
        public init(lookup: SigningKeyLookup, beforeSeq: Int64?) {
            self.lookup = lookup
            self.beforeSeq = beforeSeq
        }
    }

    let keys: [String: [Entry]]
    let hosts: [String: String]

    /// Creates a provider from per-DID key histories (oldest first, the current key last) and, optionally, the
    /// PDS host label of each DID.
    public init(keys: [String: [Entry]], hosts: [String: String] = [:]) {
        self.keys = keys.mapValues { entries in
            entries.sorted { ($0.beforeSeq ?? .max) < ($1.beforeSeq ?? .max) }
        }
        self.hosts = hosts
    }

    /// Whether `did` is in the identities file.
    public func contains(_ did: String) -> Bool { keys[did] != nil }

    public func signingKey(for did: String, seq: Int64?, fresh: Bool) async -> SigningKeyLookup {
        guard let entries = keys[did], !entries.isEmpty else {
            return .unavailable("\(did) is not in the identities file")
        }
        let chosen = entries.first { entry in
            guard let before = entry.beforeSeq, let seq else { return entry.beforeSeq == nil }
            return seq < before
        } ?? entries[entries.count - 1]
        switch chosen.lookup {
        case .key(let key, _): return .key(key, fresh: true)  // static keys are as fresh as they get
        case .unavailable(let why): return .unavailable(why)
        }
    }

    public func purge(_ did: String) async {}

    public func pdsHost(for did: String) async -> String? { hosts[did] }
}
