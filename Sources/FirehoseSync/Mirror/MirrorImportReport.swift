public import IPLD

/// What a mirror import verified and changed (`mirror import`, resync).
public struct MirrorImportReport: Sendable, Hashable {
    /// The account.
    public var did: String
    /// The commit's version (3, or 2 for old repositories).
    public var version: Int
    /// The commit's rev.
    public var rev: String?
    /// The verified root.
    public var data: CID
    /// The commit CID.
    public var commit: CID
    /// True when the signature was checked (always, except in tests).
    public var signatureChecked: Bool
    /// The collections kept.
    public var filter: MirrorFilter
    /// Records in the repository (all verified).
    public var records: Int
    /// Records kept by the filter (now stored).
    public var kept: Int
    /// Records new to the mirror.
    public var created: Int
    /// Records whose CID changed.
    public var updated: Int
    /// Records removed from the mirror (gone from the repository, or no longer kept by the filter).
    public var deleted: Int
    /// Blocks read from the CAR (duplicates included).
    public var blocks: Int
    /// Distinct blocks the repository does not reference (tolerated, reported).
    public var extraBlocks: Int
    /// Up to 20 of those blocks' CIDs.
    public var extraBlockSample: [CID]
    /// True when the account's chain state was set to this commit (first sight, resync, or newer).
    public var accountUpdated: Bool
    /// Why the mirror is stale after the import (the account's verified state is newer), or nil.
    public var stale: String?

    /// Creates a report.
    public init(did: String, version: Int, rev: String?, data: CID, commit: CID, signatureChecked: Bool,
                filter: MirrorFilter, records: Int, kept: Int, created: Int, updated: Int, deleted: Int, blocks: Int,
                extraBlocks: Int, extraBlockSample: [CID], accountUpdated: Bool, stale: String?) {
        self.did = did
        self.version = version
        self.rev = rev
        self.data = data
        self.commit = commit
        self.signatureChecked = signatureChecked
        self.filter = filter
        self.records = records
        self.kept = kept
        self.created = created
        self.updated = updated
        self.deleted = deleted
        self.blocks = blocks
        self.extraBlocks = extraBlocks
        self.extraBlockSample = extraBlockSample
        self.accountUpdated = accountUpdated
        self.stale = stale
    }
}
