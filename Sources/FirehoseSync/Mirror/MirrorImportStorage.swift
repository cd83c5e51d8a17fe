public import IPLD

/// Where one repository import (``RepositoryImport``) keeps its staged blocks and writes what it verified: the
/// part of a mirror import that differs between databases. Every call happens inside the one transaction of the
/// import; a throw ends the import and the caller rolls back.
///
/// Staged blocks get ids 0, 1, 2, … in arrival order; several blocks may share a CID (the lowest id is read).
public protocol MirrorImportStorage {
    /// The collection filter of the mirror being imported, nil when the account is not mirrored yet.
    func storedFilter() throws -> MirrorFilter?
    /// Prepares an empty staging area.
    func beginStaging() throws
    /// Stages one block.
    func stage(id: Int, cid: CID, bytes: [UInt8]) throws
    /// Every block is staged: index them by CID.
    func finishStaging() throws
    /// The staged block with the lowest id among those of `cid`, with that id.
    func stagedBlock(_ cid: CID) throws -> (id: Int, bytes: [UInt8])?
    /// The CID of the staged block `id`.
    func stagedCID(id: Int) throws -> CID?
    /// The lowest id of the staged blocks of `cid`.
    func firstStagedID(of cid: CID) throws -> Int?
    /// Prepares the reconciliation of records; returns true when the account has no stored record (each record
    /// is then new, and nothing is looked up or remembered).
    func beginRecords() throws -> Bool
    /// The CID bytes of the stored record at (`collection`, `rkey`), remembering the key as still present.
    /// Called only when ``beginRecords()`` returned false.
    func seenRecord(collection: String, rkey: String) throws -> [UInt8]?
    /// Stores a new record.
    func insertRecord(collection: String, rkey: String, cid: CID, bytes: [UInt8]) throws
    /// Replaces a stored record's CID and bytes.
    func updateRecord(collection: String, rkey: String, cid: CID, bytes: [UInt8]) throws
    /// Deletes every stored record of the account that ``seenRecord(collection:rkey:)`` did not see; returns how
    /// many.
    func deleteUnseenRecords() throws -> Int
    /// The account's stored chain state: its rev and whether it is synchronized; nil when the account is unknown.
    func accountHead() throws -> (rev: String?, synchronized: Bool)?
    /// Sets the account's chain state to this commit, synchronized.
    func setAccount(rev: String?, data: CID, commit: CID) throws
    /// Creates or updates the mirror row: its filter, head and stale mark (`now` is the update time, and the
    /// addition time of a new mirror).
    func setMirrorHead(filter: MirrorFilter, data: CID, commit: CID, commitBytes: [UInt8], rev: String?, stale: String?,
                       now: Int64) throws
    /// Drops the staging area (also after a failure).
    func endImport()
}
