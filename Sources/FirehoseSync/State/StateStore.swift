public import IPLD

/// One event's result as the store records it.
public struct RecordedOutcome: Sendable, Hashable {
    /// The outcome line (index, seq, type, did, rev, outcome, reason, detail).
    public var line: OutcomeLine
    /// The frame bytes, kept as evidence for `rejected` outcomes.
    public var frame: [UInt8]?
    /// When it was processed (microseconds since the Unix epoch).
    public var processedAt: Int64

    /// Creates a record.
    public init(line: OutcomeLine, frame: [UInt8]?, processedAt: Int64) {
        self.line = line
        self.frame = frame
        self.processedAt = processedAt
    }
}

/// A record change of a mirrored account, applied in the same transaction as the account state.
public struct MirrorChange: Sendable, Hashable {
    /// What happens to the record.
    public enum Kind: Sendable, Hashable {
        /// Create or replace the record with these exact bytes.
        case put(cid: CID, bytes: [UInt8])
        /// Remove the record.
        case delete
    }
    /// The account.
    public var did: String
    /// The record's collection (NSID).
    public var collection: String
    /// The record key.
    public var rkey: String
    /// What happens.
    public var kind: Kind

    /// Creates a change.
    public init(did: String, collection: String, rkey: String, kind: Kind) {
        self.did = did
        self.collection = collection
        self.rkey = rkey
        self.kind = kind
    }
}

/// Everything one store transaction writes: account states, outcomes, mirror changes and the cursor that
/// describes them. The cursor never runs ahead of the state (Docs/CONTRACT.md §5).
public struct StoreBatch: Sendable {
    /// Final states of the accounts touched in this batch.
    public var accounts: [String: AccountState] = [:]
    /// Outcomes in processing order.
    public var outcomes: [RecordedOutcome] = []
    /// Mirror updates in frame order: verified commits of mirrored accounts and stale marks.
    public var mirrorUpdates: [MirrorUpdate] = []
    /// The cursor to store with this batch: (upstream, position) where every event at or below the position
    /// is reflected in the state.
    public var cursor: (upstream: String, position: Int64)?
    /// Audit increments (per-host and per-minute outcome counts, account hosts, relay health of the cursor's
    /// upstream), written in the same transaction.
    public var audit = AuditTally()
    /// The partition whose cursor ``cursor`` is: the cursor stored is that of (cursor.upstream, partition).
    public var partition: Partition = .whole
    /// When set, the write commits only if the store's lease for `fence.key` still has `fence.holder` and
    /// `fence.epoch`, checked inside the same transaction; otherwise it rolls back and throws `lease-lost`.
    public var fence: Lease? = nil

    /// Creates an empty batch.
    public init() {}

    /// True when there is nothing to write.
    public var isEmpty: Bool { accounts.isEmpty && outcomes.isEmpty && mirrorUpdates.isEmpty && cursor == nil && audit.isEmpty }
}

/// Aggregated figures for `status` (Docs/CONTRACT.md §1).
public struct StoreSummary: Sendable, Hashable {
    /// Cursor per upstream.
    public var cursors: [String: Int64]
    /// Number of accounts by state label (`active`, `inactive`, `synchronized`, `desynchronized`, `resyncing`).
    public var accounts: [String: Int]
    /// Counts by outcome and reason (`"rejected/bad-signature"`, `"verified"`).
    public var outcomes: [String: Int]
    /// The most recent violations, newest first.
    public var recentViolations: [RecordedOutcome]
    /// Per-PDS-host figures (the audit scorecard), most events first.
    public var hosts: [HostScore] = []
    /// Stream events per second that each cursor moved over its rate window (up to about a minute, ending at the
    /// cursor's last write), by cursor name; absent while a cursor has only one write in its window.
    public var cursorRates: [String: Double] = [:]

    /// Creates a summary.
    public init(cursors: [String: Int64], accounts: [String: Int], outcomes: [String: Int], recentViolations: [RecordedOutcome]) {
        self.cursors = cursors
        self.accounts = accounts
        self.outcomes = outcomes
        self.recentViolations = recentViolations
    }
}

/// Persistence of verifier state. Implemented over SQLite by `FirehoseStore`; verification code depends only on
/// this protocol so another backend (e.g. PostgreSQL) can be added without touching it.
public protocol StateStore: Sendable {
    /// The stored states of the given accounts (absent DIDs are missing from the result).
    func accounts(_ dids: [String]) throws -> [String: AccountState]
    /// The stored cursor of an upstream's unpartitioned run (``Partition/whole``).
    func cursor(upstream: String) throws -> Int64?
    /// The stored cursor of one partition of an upstream.
    func cursor(upstream: String, partition: Partition) throws -> Int64?
    /// Writes a batch in one transaction.
    func write(_ batch: StoreBatch) throws
}
