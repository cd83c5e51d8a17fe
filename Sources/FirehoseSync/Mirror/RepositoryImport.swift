public import ATRepo
import IPLD

/// One repository import into a mirror (`mirror import`, `mirror add`, a resync: Docs/SPEC.md §7.5 steps 3–4),
/// whatever the database: the storage is behind ``MirrorImportStorage``.
///
/// Memory stays bounded whatever the repository's size (Docs/SPEC.md §6: blocks come in any order): every block
/// is staged as it streams in (the commit block alone is kept in memory), the staging is then indexed by CID, and
/// the tree is walked and rebuilt from it node by node by the ``RepositoryVerifier``, each kept record going
/// straight to the storage. Which staged blocks were read is one bit per block; unread ones are the extras.
///
/// Errors: the storage's own, or ``FirehoseSyncError`` with the import codes (`malformed-car`,
/// `block-cid-mismatch`, `car-root-mismatch`, `invalid-commit`, `did-mismatch`, `bad-signature`, `malformed-mst`,
/// `missing-proof-block`, `missing-record-block`, `invalid-repository`).
public struct RepositoryImport<Storage: MirrorImportStorage> {
    /// The account.
    public let did: String
    /// The verifier (it expects the same account).
    public let verifier: RepositoryVerifier
    /// Where blocks are staged and records written.
    public let storage: Storage

    /// An import of `did`'s repository, checked by `verifier` as it is walked.
    public init(did: String, verifier: RepositoryVerifier, storage: Storage) {
        self.did = did
        self.verifier = verifier
        self.storage = storage
    }

    /// Imports the stream. The filter is `requested`, else the mirror's, else every collection. `updateAccount:
    /// false` leaves the account alone (a resync inside a pipeline batch, which writes the account state itself).
    /// The account's chain state is set to the commit unless it holds a newer synchronized state (the mirror is
    /// then stale, with the reason in the report).
    public func run(_ stream: inout some RepoBlockStream, filter requested: MirrorFilter?,
                    updateAccount: Bool = true) throws -> MirrorImportReport {
        let filter = try requested ?? storage.storedFilter() ?? .all
        guard let commitCID = stream.roots.first else { throw FirehoseSyncError(.malformedCAR, "the CAR has no roots") }
        try storage.beginStaging()
        defer { storage.endImport() }

        // 1. Stage the blocks in arrival order, keeping the commit block in memory.
        var commitBytes: [UInt8]? = nil
        var blockCount = 0
        var staged = 0
        while let block = try Self.next(&stream) {
            blockCount += 1
            if block.cid == commitCID {
                if commitBytes == nil { commitBytes = block.bytes }
                continue
            }
            try storage.stage(id: staged, cid: block.cid, bytes: block.bytes)
            staged += 1
        }
        guard let commitBytes else {
            throw FirehoseSyncError(.carRootMismatch, "the commit block \(commitCID) is not in the CAR")
        }
        try storage.finishStaging()

        // 2. Verify the commit and walk and rebuild the tree; reconcile each kept record as it is reached.
        let fresh = try storage.beginRecords()
        let source = StagedRepositoryBlocks(commit: (commitCID, commitBytes), staged: staged, storage: storage)
        var kept = 0
        var created = 0
        var updated = 0
        let repository: VerifiedRepository
        do {
            repository = try verifier.verify(root: commitCID, blocks: source) { key, cid, bytes in
                guard let slash = key.firstIndex(of: UInt8(ascii: "/")), slash > 0, slash < key.count - 1 else {
                    throw ATRepoError(.invalidRepository, "key \(String(decoding: key, as: UTF8.self)) is not collection/rkey")
                }
                let collection = String(decoding: key[..<slash], as: UTF8.self)
                guard filter.matches(collection) else { return }
                kept += 1
                let rkey = String(decoding: key[(slash + 1)...], as: UTF8.self)
                if !fresh, let stored = try storage.seenRecord(collection: collection, rkey: rkey) {
                    if stored != cid.bytes {
                        try storage.updateRecord(collection: collection, rkey: rkey, cid: cid, bytes: bytes)
                        updated += 1
                    }
                    return
                }
                try storage.insertRecord(collection: collection, rkey: rkey, cid: cid, bytes: bytes)
                created += 1
            }
        } catch let error as ATRepoError {
            if let failure = source.state.failure { throw failure }
            throw Self.importError(error)
        }
        if let failure = source.state.failure { throw failure }
        let commit = repository.commit

        // 3. Records no longer in the repository (or no longer kept).
        let deleted = fresh ? 0 : try storage.deleteUnseenRecords()

        // 4. Extra blocks: staged blocks never read, each distinct CID once (a duplicate of a read block is not an
        // extra: the walk reads the lowest id of a CID).
        var extraCount = 0
        var extras: [CID] = []
        for id in 0..<staged where !source.state.isUsed(id) {
            guard let cid = try storage.stagedCID(id: id), try storage.firstStagedID(of: cid) == id else { continue }
            extraCount += 1
            if extras.count < 20 { extras.append(cid) }
        }

        // 5. The account's chain state (Docs/SPEC.md §7.5 step 4) and the mirror's head.
        let now = WallClock.nowMicros()
        var stale: String? = nil
        var accountUpdated = false
        if updateAccount {
            if let head = try storage.accountHead(), let storedRev = head.rev, head.synchronized, let rev = commit.rev, storedRev > rev {
                stale = "the imported repository (rev \(rev)) is older than the verified account state (rev \(storedRev))"
            } else {
                try storage.setAccount(rev: commit.rev, data: commit.data, commit: commitCID)
                accountUpdated = true
            }
        }
        try storage.setMirrorHead(filter: filter, data: commit.data, commit: commitCID, commitBytes: commitBytes,
                                  rev: commit.rev, stale: stale, now: now)

        return MirrorImportReport(
            did: did, version: commit.version, rev: commit.rev, data: commit.data, commit: commitCID,
            signatureChecked: repository.signatureChecked, filter: filter, records: repository.recordCount, kept: kept,
            created: created, updated: updated, deleted: deleted, blocks: blockCount, extraBlocks: extraCount,
            extraBlockSample: extras, accountUpdated: accountUpdated, stale: stale)
    }

    /// The next block, with stream errors given the import codes.
    static func next(_ stream: inout some RepoBlockStream) throws -> (cid: CID, bytes: [UInt8])? {
        do {
            return try stream.nextBlock()
        } catch let error as IPLDError {
            if error.code == .blockHashMismatch { throw FirehoseSyncError(.blockCIDMismatch, error.reason) }
            throw FirehoseSyncError(.malformedCAR, error.offset.map { "\(error.reason) (at byte \($0))" } ?? error.reason)
        }
    }

    /// A verification failure with its import code.
    static func importError(_ error: ATRepoError) -> FirehoseSyncError {
        let reason = error.cid.map { "\(error.reason) (\($0))" } ?? error.reason
        switch error.code {
        case .carRootMismatch: return FirehoseSyncError(.carRootMismatch, error.reason)
        case .invalidCommit: return FirehoseSyncError(.invalidCommit, error.reason)
        case .fieldMismatch: return FirehoseSyncError(.didMismatch, error.reason)
        case .badSignature: return FirehoseSyncError(.badSignature, error.reason)
        case .malformedMST, .invalidKey: return FirehoseSyncError(.malformedMST, reason)
        case .missingProofBlock: return FirehoseSyncError(.missingProofBlock, reason)
        case .missingRecordBlock: return FirehoseSyncError(.missingRecordBlock, reason)
        default: return FirehoseSyncError(.invalidRepository, reason)
        }
    }
}

/// The commit from memory, everything else from the storage's staging; remembers which staged blocks were read.
struct StagedRepositoryBlocks<Storage: MirrorImportStorage>: BlockSource {
    /// What look-ups leave behind (the protocol's look-up cannot throw or mutate).
    final class State {
        /// One bit per staged block id: set once the block was read.
        var used: [UInt64]
        /// A storage failure during a look-up.
        var failure: (any Error)? = nil

        init(count: Int) { used = Array(repeating: 0, count: (count + 63) / 64) }

        func mark(_ id: Int) { used[id >> 6] |= 1 << UInt64(id & 63) }
        func isUsed(_ id: Int) -> Bool { used[id >> 6] & (1 << UInt64(id & 63)) != 0 }
    }

    let commit: (cid: CID, bytes: [UInt8])
    let storage: Storage
    let state: State

    init(commit: (cid: CID, bytes: [UInt8]), staged: Int, storage: Storage) {
        self.commit = commit
        self.storage = storage
        self.state = State(count: staged)
    }

    func block(for cid: CID) -> [UInt8]? {
        if cid == commit.cid { return commit.bytes }
        do {
            guard let found = try storage.stagedBlock(cid) else { return nil }
            state.mark(found.id)
            return found.bytes
        } catch {
            state.failure = error
            return nil
        }
    }
}

extension RepositoryImport {
    /// Rebuilds the mirror of a repository a resync fetched and verified (signature included), inside the caller's
    /// batch transaction: the walk re-derives its records, and the account row is left to the batch (which holds the
    /// resync's new base and anything applied after it). Throws as ``run(_:filter:updateAccount:)`` does, and
    /// `IPLDError` for bytes that are not a CAR.
    public static func rebuildMirror(from repository: ResyncRepository, storage: Storage) throws {
        var stream = try CARBytesStream(bytes: repository.car)
        let verifier = RepositoryVerifier(did: repository.did, key: nil, acceptVersion2: false)
        _ = try RepositoryImport(did: repository.did, verifier: verifier, storage: storage).run(&stream, filter: nil, updateAccount: false)
    }
}
