public import IPLD

/// A mirrored account as stored (Docs/CONTRACT.md §1 `mirror list`).
public struct MirrorInfo: Sendable, Hashable {
    /// The account.
    public var did: String
    /// The collections kept.
    public var filter: MirrorFilter
    /// The verified head: rev, root and commit CID; nil until the first import (or genesis commit).
    public var rev: String?
    /// The MST root of the head.
    public var data: CID?
    /// The commit CID of the head.
    public var commit: CID?
    /// Why the mirror needs a resync, or nil while it follows the stream.
    public var stale: String?
    /// When the mirror was added (microseconds since the Unix epoch).
    public var addedAt: Int64
    /// When its head last changed.
    public var updatedAt: Int64
    /// The number of stored records.
    public var records: Int

    /// Creates a description.
    public init(did: String, filter: MirrorFilter, rev: String?, data: CID?, commit: CID?, stale: String?,
                addedAt: Int64, updatedAt: Int64, records: Int) {
        self.did = did
        self.filter = filter
        self.rev = rev
        self.data = data
        self.commit = commit
        self.stale = stale
        self.addedAt = addedAt
        self.updatedAt = updatedAt
        self.records = records
    }
}

/// One mirrored record with its exact bytes.
public struct MirrorRecord: Sendable, Hashable {
    /// The account.
    public var did: String
    /// The collection.
    public var collection: String
    /// The record key.
    public var rkey: String
    /// The record CID.
    public var cid: CID
    /// The exact DAG-CBOR bytes.
    public var bytes: [UInt8]

    /// Creates a record.
    public init(did: String, collection: String, rkey: String, cid: CID, bytes: [UInt8]) {
        self.did = did
        self.collection = collection
        self.rkey = rkey
        self.cid = cid
        self.bytes = bytes
    }

    /// `at://DID/COLLECTION/RKEY`.
    public var uri: String { "at://\(did)/\(collection)/\(rkey)" }

    /// The pagination cursor that lists records after this one: `COLLECTION/RKEY`.
    public var cursor: String { "\(collection)/\(rkey)" }
}
