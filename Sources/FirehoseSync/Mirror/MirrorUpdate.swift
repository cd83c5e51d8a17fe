import ATRepo
public import IPLD

/// One verified commit of a mirrored account, as the store applies it (Docs/CONTRACT.md §3 step 10): the record
/// changes that pass the mirror's filter and the new head. The store applies it only when the mirror's root
/// is `prevData` (or, for a mirror not yet imported, when the commit starts a new repository); otherwise it
/// marks the mirror stale.
public struct MirrorCommit: Sendable, Hashable {
    /// The account.
    public var did: String
    /// The commit's rev.
    public var rev: String
    /// The event's `since`.
    public var since: String?
    /// The root the ops apply to.
    public var prevData: CID?
    /// The new root.
    public var data: CID
    /// The commit CID.
    public var commit: CID
    /// The exact signed commit block.
    public var commitBytes: [UInt8]
    /// The record changes that pass the filter, in op order.
    public var changes: [MirrorChange]

    /// Creates a mirror commit.
    public init(did: String, rev: String, since: String?, prevData: CID?, data: CID, commit: CID, commitBytes: [UInt8],
                changes: [MirrorChange]) {
        self.did = did
        self.rev = rev
        self.since = since
        self.prevData = prevData
        self.data = data
        self.commit = commit
        self.commitBytes = commitBytes
        self.changes = changes
    }

    /// True when the commit creates a repository from nothing (no `since`, no or empty `prevData`).
    public var startsRepository: Bool {
        since == nil && (prevData == nil || prevData == MirrorCommit.emptyTreeCID)
    }

    /// The CID of the empty MST (`{"e": [], "l": null}`).
    public static let emptyTreeCID = CID.compute(for: [0xa2, 0x61, 0x65, 0x80, 0x61, 0x6c, 0xf6])
}

/// What a pipeline batch asks the store to do to a mirror.
public enum MirrorUpdate: Sendable, Hashable {
    /// Apply a verified commit.
    case commit(MirrorCommit)
    /// The mirror can no longer follow the stream (a chain break, a `#sync` with a new base, a commit whose
    /// records are not all in its slice): it needs a resync (a re-import of a fresh repository). With
    /// `unlessRoot`, a mirror whose root is already that CID stays fresh (a `#sync` announcing the root the
    /// mirror holds); with `unlessRevAtLeast`, so does a mirror already at that rev or later (a `#sync` older
    /// than the repository a backfill or resync gave the mirror: the commits after it still chain or are skipped).
    case stale(did: String, reason: String, unlessRoot: CID? = nil, unlessRevAtLeast: String? = nil)
    /// Replace the mirror's records and head with a verified full repository (a resync or a backfill, Docs/SPEC.md
    /// §7.5 step 4): records created, updated and deleted since are reconciled and a stale mark is cleared.
    /// Applied whether or not the mirror is stale; the account's chain state is left to the batch.
    case replace(ResyncRepository)

    /// The account.
    public var did: String {
        switch self {
        case .commit(let commit): return commit.did
        case .stale(let did, _, _, _): return did
        case .replace(let repository): return repository.did
        }
    }

    /// The update for a verified commit of a mirrored account, keeping only the collections `filter` allows.
    /// A create or update whose record bytes are missing from the slice (possible only under the relay policy)
    /// makes the mirror stale instead.
    public static func applying(_ verified: VerifiedCommit, filter: MirrorFilter) -> MirrorUpdate {
        var changes: [MirrorChange] = []
        changes.reserveCapacity(verified.ops.count)
        for (op, record) in verified.ops {
            guard let slash = op.path.firstIndex(of: "/") else {
                return .stale(did: verified.did, reason: "op path \(op.path) is not collection/rkey")
            }
            let collection = String(op.path[..<slash])
            let rkey = String(op.path[op.path.index(after: slash)...])
            guard filter.matches(collection) else { continue }
            switch op.action {
            case .create, .update:
                guard let cid = op.cid, let record else {
                    return .stale(did: verified.did, reason: "record \(op.path) of rev \(verified.rev) is not in the slice")
                }
                changes.append(MirrorChange(did: verified.did, collection: collection, rkey: rkey, kind: .put(cid: cid, bytes: record)))
            case .delete:
                changes.append(MirrorChange(did: verified.did, collection: collection, rkey: rkey, kind: .delete))
            }
        }
        return .commit(MirrorCommit(did: verified.did, rev: verified.rev, since: verified.since, prevData: verified.prevData,
                                    data: verified.data, commit: verified.commit, commitBytes: verified.commitBytes,
                                    changes: changes))
    }
}
