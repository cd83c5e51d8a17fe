public import ATCrypto


/// The mirrors of a database (Docs/CONTRACT.md §1 `mirror …`), whatever the backend: registering and removing
/// them, reading their records, finding the blobs they refer to, exporting and importing repositories. Every
/// backend gives the same answers, values and error codes (`mirror-not-found`, `mirror-filtered`,
/// `mirror-not-imported`, `mirror-inconsistent`, the import codes of ``RepositoryImport``); the import and export
/// logic is shared (``RepositoryImport``, ``RepositoryExport``), only the storage differs.
public protocol MirrorStorePort: Sendable {
    /// Registers a mirror of `did` keeping `filter`'s collections, with no head until an import (or a commit that
    /// starts the repository). Returns false, changing nothing, when the DID is already mirrored.
    @discardableResult
    func register(did: String, filter: MirrorFilter) throws -> Bool
    /// Removes the mirror of `did` and its records. Returns false when there was none.
    @discardableResult
    func remove(did: String) throws -> Bool
    /// Every mirror, by DID (byte order).
    func all() throws -> [MirrorInfo]
    /// The mirror of `did`, when there is one.
    func mirror(did: String) throws -> MirrorInfo?
    /// The collection filter of every mirror: what a pipeline needs to turn verified commits into mirror updates.
    func filters() throws -> [String: MirrorFilter]
    /// Up to `limit` records of `did` in (collection, rkey) byte order, after `cursor` (`COLLECTION/RKEY`, as
    /// ``MirrorRecord/cursor`` gives), optionally of one collection only.
    func records(did: String, collection: String?, after cursor: String?, limit: Int) throws -> [MirrorRecord]
    /// One mirrored record, or nil when it is not stored.
    func record(did: String, collection: String, rkey: String) throws -> MirrorRecord?
    /// Every blob referenced by the stored records of `did` (``BlobReference/all(inRecord:)``), each CID once, in
    /// record order. Throws `mirror-not-found` when `did` is not mirrored.
    func blobReferences(did: String) throws -> [BlobReference]
    /// Writes the mirror of `did` as a repository CAR (``RepositoryExport``) to `write` in chunks; returns the number
    /// of records. Throws `mirror-not-found`, `mirror-not-imported`, `mirror-filtered` or `mirror-inconsistent`.
    @discardableResult
    func export(did: String, chunkSize: Int, write: ([UInt8]) throws -> Void) throws -> Int
    /// Verifies the repository in `blocks` for `did` with `key` and makes it the mirror's content, in one
    /// transaction (``RepositoryImport``); `filter` nil keeps the mirror's, else every collection.
    func importRepository(did: String, blocks: some RepoBlockStream, key: PublicKey, filter: MirrorFilter?) throws -> MirrorImportReport
}

extension MirrorStorePort {
    /// Splits a records cursor `COLLECTION/RKEY`; nil when it has no slash.
    public static func splitCursor(_ cursor: String) -> (collection: String, rkey: String)? {
        guard let slash = cursor.firstIndex(of: "/") else { return nil }
        return (String(cursor[..<slash]), String(cursor[cursor.index(after: slash)...]))
    }
}
