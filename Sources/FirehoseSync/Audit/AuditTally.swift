import ATSyntax

/// The audit increments of one store batch (written in the same transaction): outcome counts per PDS host
/// and UTC day, outcome counts per minute (both by ``EventReceipt/auditMicros``: the event's time), the PDS host of each account seen, and relay health.
public struct AuditTally: Sendable, Hashable {
    /// A per-host, per-day counter key.
    public struct HostDay: Sendable, Hashable {
        /// The PDS host label (``EventReceipt/unknownHost`` when unknown).
        public var host: String
        /// The UTC day, `YYYY-MM-DD`.
        public var day: String
        /// The outcome.
        public var outcome: Outcome
        /// The reason (nil for verified/applied).
        public var reason: Reason?

        /// Creates a key.
        public init(host: String, day: String, outcome: Outcome, reason: Reason?) {
            self.host = host
            self.day = day
            self.outcome = outcome
            self.reason = reason
        }
    }

    /// A per-minute counter key.
    public struct Minute: Sendable, Hashable {
        /// Minutes since the Unix epoch (``EventReceipt/auditMicros``).
        public var minute: Int64
        /// The outcome.
        public var outcome: Outcome

        /// Creates a key.
        public init(minute: Int64, outcome: Outcome) {
            self.minute = minute
            self.outcome = outcome
        }
    }

    /// A per-host, per-day conformance warning counter key.
    public struct HostWarning: Sendable, Hashable {
        /// The PDS host label.
        public var host: String
        /// The UTC day, `YYYY-MM-DD`.
        public var day: String
        /// The warning.
        public var kind: ConformanceWarning

        /// Creates a key.
        public init(host: String, day: String, kind: ConformanceWarning) {
            self.host = host
            self.day = day
            self.kind = kind
        }
    }

    /// Outcome counts per host and day.
    public var hostDays: [HostDay: Int] = [:]
    /// Conformance warnings per host and day: which host sends which deviation, how often.
    public var warnings: [HostWarning: Int] = [:]
    /// Outcome counts per minute.
    public var minutes: [Minute: Int] = [:]
    /// The known PDS host of each account seen in the batch.
    public var accountHosts: [String: String] = [:]
    /// Relay health increments of the batch's upstream.
    public var relay = RelayHealthDelta()
    /// Resyncs started and completed per (host, UTC day). Counted from the events themselves, because a batch
    /// stores only each account's final state and would hide a synchronized → resyncing → synchronized change.
    public var resyncs: [ResyncKey: (started: Int, completed: Int)] = [:]

    /// A per-host, per-day resync counter key.
    public struct ResyncKey: Sendable, Hashable {
        /// The PDS host label.
        public var host: String
        /// The UTC day, `YYYY-MM-DD`.
        public var day: String
    }

    /// Creates an empty tally.
    public init() {}

    /// Whether there is nothing to write.
    public var isEmpty: Bool { hostDays.isEmpty && warnings.isEmpty && minutes.isEmpty && accountHosts.isEmpty && relay.isEmpty && resyncs.isEmpty }

    /// Counts a resync of an account at `micros`: `started` when a chain break scheduled it, else completed.
    public mutating func countResync(host: String?, micros: Int64, started: Bool) {
        let key = ResyncKey(host: host ?? EventReceipt.unknownHost, day: AuditTally.day(ofMicros: micros))
        var counts = resyncs[key] ?? (0, 0)
        if started { counts.started += 1 } else { counts.completed += 1 }
        resyncs[key] = counts
    }

    public static func == (a: AuditTally, b: AuditTally) -> Bool {
        a.hostDays == b.hostDays && a.warnings == b.warnings && a.minutes == b.minutes && a.accountHosts == b.accountHosts && a.relay == b.relay
            && a.resyncs.count == b.resyncs.count
            && a.resyncs.allSatisfy { key, value in b.resyncs[key].map { $0 == value } ?? false }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hostDays)
        hasher.combine(warnings)
        hasher.combine(minutes)
        hasher.combine(accountHosts)
        hasher.combine(relay)
        hasher.combine(resyncs.count)
    }

    /// Counts one event's outcome and its conformance warnings.
    public mutating func count(_ line: OutcomeLine, receipt: EventReceipt) {
        let host = receipt.host ?? EventReceipt.unknownHost
        let at = receipt.auditMicros
        let key = HostDay(host: host, day: AuditTally.day(ofMicros: at), outcome: line.outcome, reason: line.reason)
        hostDays[key, default: 0] += 1
        for warning in line.warnings {
            warnings[HostWarning(host: host, day: key.day, kind: warning), default: 0] += 1
        }
        minutes[Minute(minute: AuditTally.floorDivide(at, 60_000_000), outcome: line.outcome), default: 0] += 1
        if let did = line.did, let known = receipt.host { accountHosts[did] = known }
    }

    /// The UTC day (`YYYY-MM-DD`) of an instant in µs since the Unix epoch (proleptic Gregorian calendar).
    public static func day(ofMicros micros: Int64) -> String { Datetime.utcDay(ofMicros: micros) }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
