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
        var labels = HostLabels()
        keys.reserveCapacity(identities.entries.count)
        for (did, entry) in identities.entries {
            let current = StaticIdentityDirectory.currentKey(of: entry, did: did)
            if let pds = current.pds, let label = labels.label(for: pds) { hosts[did.description] = label }
            keys[did.description] = [Slot(key: current.key, beforeSeq: nil)]
        }
        for (did, history) in identities.previousKeys {
            for previous in history {
                keys[did.description, default: []].append(Slot(key: LazyKey(.didKey(previous.signingKey)), beforeSeq: previous.beforeSeq))
            }
        }
        self.init(slots: keys, hosts: hosts)
    }

    /// The current key of the entry of `did` and the URL of its PDS, as ``StaticIdentities/resolve(_:fetchedAt:)`` reads
    /// them: a short form's key read on first use and its PDS URL as written; a document resolved now (a document of
    /// another DID, `wrong-did`, has no key and no PDS).
    static func currentKey(of entry: StaticIdentities.Entry, did: DID) -> (key: LazyKey, pds: String?) {
        switch entry {
        case .short(let short):
            return (LazyKey(.shortForm(short.signingKey)), short.pds)
        case .document(let document):
            do {
                let resolved = try ResolvedIdentity(did: did, document: document, fetchedAt: 0)
                return (LazyKey(.reference(resolved.signingKey)), resolved.pds?.description)
            } catch {
                return (LazyKey(.ready(.unavailable("\(error)"))), nil)
            }
        }
    }

    /// A directory over identities-file bytes, read in one pass (``IdentitiesFileReader``); a file that reader leaves
    /// to the generic path is read by ``init(genericData:)``. Throws `invalid-identities-file`.
    public init(data: Data) throws(ATIdentityError) {
        if let tables = data.withUnsafeBytes({ IdentitiesFileReader.read($0) }) {
            self.init(slots: tables.slots, hosts: tables.hosts)
            return
        }
        try self.init(genericData: data)
    }

    /// A directory over identities-file bytes read through ``StaticIdentities/init(data:)`` (Foundation's JSON decoder
    /// into an ``IdentityJSON`` tree): the path for the files ``IdentitiesFileReader`` declines, and what it is checked
    /// against. Throws `invalid-identities-file`.
    init(genericData data: Data) throws(ATIdentityError) {
        let identities: StaticIdentities
        do {
            identities = try StaticIdentities(data: data)
        } catch {
            throw ATIdentityError(.invalidIdentitiesFile, "invalid identities file: \(error)")
        }
        self.init(identities: identities)
    }

    /// A directory over the identities file at `path`, read with one read into memory and then in one pass. A missing
    /// file gives an empty directory (every DID unavailable) unless `required`. Throws `invalid-identities-file`.
    public init(path: String, required: Bool = false) throws(ATIdentityError) {
        guard let bytes = IdentitiesFileReader.contents(atPath: path) else {
            if required { throw ATIdentityError(.invalidIdentitiesFile, "cannot read identities file \(path)") }
            self.init(keys: [:])
            return
        }
        if let tables = bytes.withUnsafeBytes({ IdentitiesFileReader.read($0) }) {
            self.init(slots: tables.slots, hosts: tables.hosts)
            return
        }
        try self.init(genericData: Data(bytes))
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
