import ATCrypto
import ATSyntax
public import Foundation

/// An ``IdentityDirectory`` over keys known up front (an identities file): no network look-ups. DIDs missing from
/// it are unavailable.
///
/// A DID may carry key history (``StaticIdentities/previousKeys``): an event is checked with the key that was
/// current at its seq. Static keys are as fresh as keys get (a signature failure does not ask again). The file
/// names no place to fetch repositories from: ``pdsEndpoint(for:)`` is nil (the network directory answers it).
public struct StaticIdentityDirectory: IdentityDirectory {
    /// One key and the first seq it no longer applies to (nil: current).
    public struct Entry: Sendable {
        /// The key, or why there is none.
        public var lookup: SigningKeyLookup
        /// The first seq this key no longer applies to; nil for the current key.
        public var beforeSeq: Int64?

        /// Creates an entry.
        public init(lookup: SigningKeyLookup, beforeSeq: Int64?) {
            self.lookup = lookup
            self.beforeSeq = beforeSeq
        }
    }

    /// Each DID's keys, sorted by `beforeSeq` (the current key last), parsed when first used.
    let keys: [String: [Slot]]
    /// Each DID's PDS host label; DIDs on one PDS share one string.
    let hosts: [String: String]

    /// A directory from per-DID key histories (any order; sorted by `beforeSeq`, the current key last) and,
    /// optionally, the PDS host label of each DID.
    public init(keys: [String: [Entry]], hosts: [String: String] = [:]) {
        self.init(slots: keys.mapValues { entries in
            entries.map { Slot(key: LazyKey(.ready($0.lookup)), beforeSeq: $0.beforeSeq) }
        }, hosts: hosts)
    }

    /// A directory over key slots in any order.
    init(slots: [String: [Slot]], hosts: [String: String]) {
        self.keys = slots.mapValues { slots in
            slots.count < 2 ? slots : slots.sorted { ($0.beforeSeq ?? .max) < ($1.beforeSeq ?? .max) }
        }
        self.hosts = hosts
    }

    /// A directory over `identities`: each DID's current key, its key history, and the host of its PDS. No key is
    /// parsed here: each is parsed when an event of its account first needs it (``LazyKey``), and each PDS URL's host
    /// label is worked out once for all the DIDs it hosts.
    public init(identities: StaticIdentities) {
        var keys: [String: [Slot]] = [:]
        var hosts: [String: String] = [:]
        /// Host labels by PDS URL as written (nil: not a usable endpoint), so each URL is parsed once and the DIDs
        /// of one PDS share one string.
        var labels: [String: String?] = [:]
        keys.reserveCapacity(identities.entries.count)
        for (did, entry) in identities.entries {
            let current: LazyKey
            var pds: String?
            switch entry {
            case .short(let short):
                // As `resolve` reads a short form, its key read on first use and its PDS URL parsed once per URL.
                current = LazyKey(.shortForm(short.signingKey))
                pds = short.pds
            case .document:
                do {
                    let resolved = try identities.resolve(did, fetchedAt: 0)
                    current = LazyKey(.reference(resolved.signingKey))
                    pds = resolved.pds?.description
                } catch {
                    current = LazyKey(.ready(.unavailable("\(error)")))
                }
            }
            if let pds {
                let label: String?
                if let known = labels[pds] {
                    label = known
                } else {
                    label = ServiceEndpoint(pds)?.hostLabel
                    labels[pds] = .some(label)
                }
                if let label { hosts[did.description] = label }
            }
            keys[did.description] = [Slot(key: current, beforeSeq: nil)]
        }
        for (did, history) in identities.previousKeys {
            for previous in history {
                keys[did.description, default: []].append(Slot(key: LazyKey(.didKey(previous.signingKey)), beforeSeq: previous.beforeSeq))
            }
        }
        self.init(slots: keys, hosts: hosts)
    }

    /// A directory over identities-file bytes. Throws `invalid-identities-file`.
    public init(data: Data) throws(ATIdentityError) {
        let identities: StaticIdentities
        do {
            identities = try StaticIdentities(data: data)
        } catch {
            throw ATIdentityError(.invalidIdentitiesFile, "invalid identities file: \(error)")
        }
        self.init(identities: identities)
    }

    /// A directory over the identities file at `path`. A missing file gives an empty directory (every DID
    /// unavailable) unless `required`. Throws `invalid-identities-file`.
    public init(path: String, required: Bool = false) throws(ATIdentityError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required { throw ATIdentityError(.invalidIdentitiesFile, "cannot read identities file \(path)") }
            self.init(keys: [:])
            return
        }
        try self.init(data: data)
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
        switch chosen.key.lookup {
        case .key(let key, _): return .key(key, fresh: true)
        case .unavailable(let why): return .unavailable(why)
        }
    }

    public func pdsEndpoint(for did: String) async -> String? { nil }

    public func pdsHost(for did: String) async -> String? { hosts[did] }

    public func purge(_ did: String) async {}
}
