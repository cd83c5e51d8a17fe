/// Builds the per-host figures (``HostScore``) from a store's grouped audit rows, whatever the database: each store
/// reads its rows and hands them over; the folding and the ranking are here once.
public struct HostScoreTally: Sendable {
    private var hosts: [String: HostScore] = [:]

    /// An empty tally.
    public init() {}

    /// Adds `count` events of `host` with `outcome` (its raw value; an unknown one is skipped) and `reason` (empty
    /// for none).
    public mutating func addEvents(host: String, outcome outcomeText: String, reason: String, count: Int) {
        guard let outcome = Outcome(rawValue: outcomeText) else { return }
        hosts[host, default: HostScore(host: host)].events += count
        hosts[host]!.byOutcome[outcome, default: 0] += count
        if !reason.isEmpty { hosts[host]!.byReason["\(outcomeText)/\(reason)", default: 0] += count }
    }

    /// Adds `count` conformance warnings of `kind` sent by `host`.
    public mutating func addWarnings(host: String, kind: String, count: Int) {
        hosts[host, default: HostScore(host: host)].warnings[kind, default: 0] += count
    }

    /// Sets the resyncs started and completed for `host`'s accounts.
    public mutating func setResyncs(host: String, started: Int, completed: Int) {
        hosts[host, default: HostScore(host: host)].resyncsStarted = started
        hosts[host]!.resyncsCompleted = completed
    }

    /// Sets the count of accounts seen on `host`, for a host that has figures already (others are not listed).
    public mutating func setAccounts(host: String, count: Int) {
        hosts[host]?.accounts = count
    }

    /// Every host, most events first (ties by host name).
    public var ranked: [HostScore] {
        hosts.values.sorted { $0.events != $1.events ? $0.events > $1.events : $0.host < $1.host }
    }
}
