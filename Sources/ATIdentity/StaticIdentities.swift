public import ATSyntax
public import Foundation

/// The contents of an identities file (Docs/CONTRACT.md §2): a JSON object keyed by DID whose values are
/// either a full DID document or the short form `{"signingKey": "did:key:z…", "pds": "https://…"}`
/// (`pds` optional; key-generating tools may add `"privateKey"`, a hex scalar for tests). An entry may carry key
/// history, `"previousKeys": [{"signingKey": "did:key:z…", "beforeSeq": N}]` (oldest first): the keys that
/// signed the events before seq `N`, as `synth` and `record` write them when a key rotated during a recording.
///
/// Reading validates every entry's structure; a document whose `id` differs from its key is kept (it
/// is refused with `wrong-did` when resolved, which is how such an identity behaves live). Writing is
/// deterministic: keys sorted, documents written back as read.
public struct StaticIdentities: Hashable, Sendable {
    /// One identity.
    public enum Entry: Hashable, Sendable {
        /// A full DID document.
        case document(DIDDocument)
        /// The short form.
        case short(ShortForm)
    }

    /// The short form of an identity.
    public struct ShortForm: Hashable, Sendable {
        /// The signing key as a `did:key:z…` string.
        public let signingKey: String
        /// The PDS URL as written, when given.
        public let pds: String?
        /// A hex private key scalar (test identities only).
        public let privateKey: String?

        /// Creates a short-form entry; the signing key must be a `did:key:z…` string.
        public init(signingKey: String, pds: String? = nil, privateKey: String? = nil) throws(ATIdentityError) {
            _ = try SigningKeyReference(didKey: signingKey)
            self.signingKey = signingKey
            self.pds = pds
            self.privateKey = privateKey
        }
    }

    /// A key that signed the events of an account before a seq.
    public struct PreviousKey: Hashable, Sendable {
        /// The key as written (a `did:key:z…` string; checked when used, not when read).
        public let signingKey: String
        /// The first seq this key no longer applies to.
        public let beforeSeq: Int64
        /// A hex private key scalar (test identities only).
        public let privateKey: String?

        /// Creates a history entry.
        public init(signingKey: String, beforeSeq: Int64, privateKey: String? = nil) {
            self.signingKey = signingKey
            self.beforeSeq = beforeSeq
            self.privateKey = privateKey
        }
    }

    /// The identities, by DID.
    public var entries: [DID: Entry]
    /// Key history, by DID (oldest first); DIDs without history are absent.
    public var previousKeys: [DID: [PreviousKey]]

    /// Creates identities from entries and their key history.
    public init(entries: [DID: Entry] = [:], previousKeys: [DID: [PreviousKey]] = [:]) {
        self.entries = entries
        self.previousKeys = previousKeys
    }

    /// Reads an identities file's bytes.
    public init(data: Data) throws(ATIdentityError) {
        let json: IdentityJSON
        do throws(ATIdentityError) {
            json = try IdentityJSON(data: data)
        } catch {
            throw ATIdentityError(.invalidIdentitiesFile, error.reason)
        }
        guard let members = json.objectValue else {
            throw ATIdentityError(.invalidIdentitiesFile, "an identities file is a JSON object keyed by DID")
        }
        var entries: [DID: Entry] = [:]
        var previousKeys: [DID: [PreviousKey]] = [:]
        func read(_ key: String, _ value: IdentityJSON) throws(ATIdentityError) {
            guard let did = try? DID(key) else {
                throw ATIdentityError(.invalidIdentitiesFile, "key \"\(key)\" is not a DID")
            }
            let decoded = try StaticIdentities.decodeEntry(value, did: did)
            entries[did] = decoded.entry
            if !decoded.previousKeys.isEmpty { previousKeys[did] = decoded.previousKeys }
        }
        do throws(ATIdentityError) {
            for (key, value) in members { try read(key, value) }
        } catch {
            // When several entries are wrong, the one reported is the first in key order: the order a dictionary gives
            // differs between two readings of one file.
            for (key, value) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) { try read(key, value) }
            throw error
        }
        self.entries = entries
        self.previousKeys = previousKeys
    }

    /// The `previousKeys` of an entry, nil when it has none.
    static func previousKeys(_ value: IdentityJSON, did: DID) throws(ATIdentityError) -> [PreviousKey]? {
        guard let items = value["previousKeys"]?.arrayValue else { return nil }
        var history: [PreviousKey] = []
        for item in items {
            guard let key = item["signingKey"]?.stringValue, case .int(let before)? = item["beforeSeq"] else {
                throw ATIdentityError(.invalidIdentitiesFile, "\(did): previousKeys entries need signingKey and beforeSeq")
            }
            history.append(PreviousKey(signingKey: key, beforeSeq: before, privateKey: item["privateKey"]?.stringValue))
        }
        return history
    }

    static func entry(_ value: IdentityJSON) throws(ATIdentityError) -> Entry {
        guard let members = value.objectValue else { throw ATIdentityError(.badDocument, "entry is not an object") }
        if members["id"] != nil { return .document(try DIDDocument(json: value)) }
        guard let key = members["signingKey"]?.stringValue else {
            throw ATIdentityError(.badDocument, "entry is neither a DID document (\"id\") nor a short form (\"signingKey\")")
        }
        func optionalString(_ name: String) throws(ATIdentityError) -> String? {
            switch members[name] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw ATIdentityError(.badDocument, "\"\(name)\" must be a string")
            }
        }
        return .short(try ShortForm(signingKey: key, pds: try optionalString("pds"), privateKey: try optionalString("privateKey")))
    }

    /// Reads one entry of an identities file (the value under its DID) with its key history, if any.
    public static func decodeEntry(_ value: IdentityJSON, did: DID) throws(ATIdentityError) -> (entry: Entry, previousKeys: [PreviousKey]) {
        let entry: Entry
        do throws(ATIdentityError) {
            entry = try StaticIdentities.entry(value)
        } catch {
            throw ATIdentityError(.invalidIdentitiesFile, "\(did): \(error)")
        }
        return (entry, try StaticIdentities.previousKeys(value, did: did) ?? [])
    }

    /// One entry as written in an identities file: a document as read, or the short form with its key history
    /// (`previousKeys` only when there is some).
    public static func encodeEntry(_ entry: Entry, previousKeys history: [PreviousKey] = []) -> IdentityJSON {
        switch entry {
        case .document(let document):
            return document.json
        case .short(let short):
            var fields: [String: IdentityJSON] = ["signingKey": .string(short.signingKey)]
            if let pds = short.pds { fields["pds"] = .string(pds) }
            if let privateKey = short.privateKey { fields["privateKey"] = .string(privateKey) }
            if !history.isEmpty {
                fields["previousKeys"] = .array(history.map { previous in
                    var item: [String: IdentityJSON] = ["signingKey": .string(previous.signingKey), "beforeSeq": .int(previous.beforeSeq)]
                    if let privateKey = previous.privateKey { item["privateKey"] = .string(privateKey) }
                    return .object(item)
                })
            }
            return .object(fields)
        }
    }

    /// The entry of `did` as written in the file, nil when absent.
    public func encodedEntry(for did: DID) -> IdentityJSON? {
        entries[did].map { StaticIdentities.encodeEntry($0, previousKeys: previousKeys[did] ?? []) }
    }

    /// The file's bytes: a pretty-printed JSON object with sorted keys, ending in a newline.
    public func encoded() -> Data {
        var object: [String: IdentityJSON] = [:]
        for did in entries.keys {
            object[did.description] = encodedEntry(for: did)
        }
        var data = IdentityJSON.object(object).encoded(pretty: true)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// The identity of `did` as of `fetchedAt` (µs since the epoch): `not-found` when absent,
    /// `wrong-did` when its document belongs to another DID.
    public func resolve(_ did: DID, fetchedAt: Int64) throws(ATIdentityError) -> ResolvedIdentity {
        switch entries[did] {
        case nil:
            throw ATIdentityError(.notFound, "\(did) is not in the identities file")
        case .document(let document)?:
            return try ResolvedIdentity(did: did, document: document, fetchedAt: fetchedAt)
        case .short(let short)?:
            let key: Result<SigningKeyReference, ATIdentityError>
            do throws(ATIdentityError) {
                key = .success(try SigningKeyReference(didKey: short.signingKey))
            } catch {
                key = .failure(error)
            }
            return ResolvedIdentity(did: did, signingKey: key, pds: short.pds.flatMap(ServiceEndpoint.init),
                                    handle: nil, fetchedAt: fetchedAt)
        }
    }
}
