/// One PDS host's figures: outcome and reason counts of the events of its accounts, and resyncs.
public struct HostScore: Sendable, Hashable {
    /// The host label (``EventReceipt/unknownHost`` for events whose account's host is not known).
    public var host: String
    /// Events attributed to the host.
    public var events: Int
    /// Counts by outcome.
    public var byOutcome: [Outcome: Int]
    /// Counts by `outcome/reason` for events with a reason (e.g. `rejected/bad-signature`).
    public var byReason: [String: Int]
    /// Resyncs started (accounts entering `resyncing`).
    public var resyncsStarted: Int
    /// Resyncs completed (accounts returning to `synchronized` after being desynchronized or resyncing).
    public var resyncsCompleted: Int
    /// Accounts seen on this host.
    public var accounts: Int
    /// Conformance warnings by code (``ConformanceWarning`` raw values): which deviations the host sends.
    public var warnings: [String: Int] = [:]

    /// All conformance warnings counted for the host.
    public var warningCount: Int { warnings.values.reduce(0, +) }

    /// Creates a score.
    public init(host: String, events: Int = 0, byOutcome: [Outcome: Int] = [:], byReason: [String: Int] = [:],
                resyncsStarted: Int = 0, resyncsCompleted: Int = 0, accounts: Int = 0) {
        self.host = host
        self.events = events
        self.byOutcome = byOutcome
        self.byReason = byReason
        self.resyncsStarted = resyncsStarted
        self.resyncsCompleted = resyncsCompleted
        self.accounts = accounts
    }

    /// The count of one outcome.
    public func count(_ outcome: Outcome) -> Int { byOutcome[outcome] ?? 0 }

    /// The share of events with `outcome` (0 when there are none).
    public func share(_ outcome: Outcome) -> Double { events > 0 ? Double(count(outcome)) / Double(events) : 0 }

    /// Rejected events, the violations that prove a host sent bad data.
    public var rejected: Int { count(.rejected) }
}

/// One account in the audit's "most violations" list, with its latest evidence.
public struct AuditAccount: Sendable, Hashable {
    /// The account DID.
    public var did: String
    /// Its PDS host, when known.
    public var host: String?
    /// Rejected events.
    public var rejected: Int
    /// Desynchronized events.
    public var desynchronized: Int
    /// Unverifiable events.
    public var unverifiable: Int
    /// The latest violation stored for the account (rejected, desynchronized or unverifiable).
    public var latest: RecordedOutcome?

    /// Creates an entry.
    public init(did: String, host: String?, rejected: Int, desynchronized: Int, unverifiable: Int, latest: RecordedOutcome?) {
        self.did = did
        self.host = host
        self.rejected = rejected
        self.desynchronized = desynchronized
        self.unverifiable = unverifiable
        self.latest = latest
    }

    /// The violations counted: rejected + desynchronized + unverifiable.
    public var violations: Int { rejected + desynchronized + unverifiable }
}

/// Outcome counts of one time bucket.
public struct AuditTimeBucket: Sendable, Hashable {
    /// The bucket's start, minutes since the Unix epoch.
    public var minute: Int64
    /// Counts by outcome.
    public var byOutcome: [Outcome: Int]

    /// Creates a bucket.
    public init(minute: Int64, byOutcome: [Outcome: Int]) {
        self.minute = minute
        self.byOutcome = byOutcome
    }

    /// All events in the bucket.
    public var total: Int { byOutcome.values.reduce(0, +) }
}

/// Everything `breakwater audit report` shows, read from the store in one snapshot.
public struct AuditData: Sendable, Hashable {
    /// Counts by outcome and reason (`"verified"`, `"rejected/bad-signature"`), as in ``StoreSummary``.
    public var outcomes: [String: Int]
    /// Per-host figures, most events first.
    public var hosts: [HostScore]
    /// Accounts with the most violations, most first.
    public var accounts: [AuditAccount]
    /// Outcome counts per minute of receipt, oldest first.
    public var minutes: [AuditTimeBucket]
    /// Relay health per upstream.
    public var relays: [String: RelayHealthDelta]
    /// Cursor per upstream.
    public var cursors: [String: Int64]

    /// Creates the data.
    public init(outcomes: [String: Int], hosts: [HostScore], accounts: [AuditAccount], minutes: [AuditTimeBucket],
                relays: [String: RelayHealthDelta], cursors: [String: Int64]) {
        self.outcomes = outcomes
        self.hosts = hosts
        self.accounts = accounts
        self.minutes = minutes
        self.relays = relays
        self.cursors = cursors
    }
}
