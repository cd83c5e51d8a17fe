public import IPLD

/// What Breakwater keeps per account: the last verified commit, hosting status and sync state.
///
/// Docs/SPEC.md §7.1; Docs/CONTRACT.md §5. No MST nodes are kept: Sync 1.1 proves each commit from its slice.
public struct AccountState: Sendable, Hashable {
    /// The account DID.
    public var did: String
    /// The rev of the last verified commit.
    public var rev: String?
    /// The MST root (`data`) of the last verified commit.
    public var data: CID?
    /// The CID of the last verified commit.
    public var commit: CID?
    /// Whether the account is active (from `#account`).
    public var active: Bool
    /// The hosting status from the last `#account`, when any.
    public var status: String?
    /// Chaining state.
    public var sync: SyncState
    /// The seq of the last event applied to this account.
    public var lastSeq: Int64?

    /// Creates a state.
    public init(did: String, rev: String? = nil, data: CID? = nil, commit: CID? = nil, active: Bool = true,
                status: String? = nil, sync: SyncState = .synchronized, lastSeq: Int64? = nil) {
        self.did = did
        self.rev = rev
        self.data = data
        self.commit = commit
        self.active = active
        self.status = status
        self.sync = sync
        self.lastSeq = lastSeq
    }

    /// A first-sight state for `did`.
    public static func new(_ did: String) -> AccountState { AccountState(did: did) }

    /// True when a verified commit has been stored.
    public var hasChain: Bool { rev != nil && data != nil }
}
