import FirehoseStore
package import FirehoseSync
import IPLD

/// The text of `status` (the JSON shapes are ``StatusJSON``).
package enum StatusText {
    /// `status --did DID`: the account's stored state and its most recent violations.
    package static func account(_ state: AccountState, violations: [RecordedOutcome]) -> String {
        var lines = [
            "did        \(state.did)",
            "rev        \(state.rev ?? "-")",
            "data       \(state.data?.string ?? "-")",
            "commit     \(state.commit?.string ?? "-")",
            "active     \(state.active)\(state.status.map { " (\($0))" } ?? "")",
            "sync       \(state.sync.rawValue)",
            "last seq   \(state.lastSeq.map(String.init) ?? "-")",
            "violations (\(violations.count))",
        ]
        for v in violations { lines.append("  " + StatusJSON.violationLine(v)) }
        return lines.joined(separator: "\n")
    }

    /// `status --did DID` for an account without stored state: its violations.
    package static func unknownAccount(_ did: String, violations: [RecordedOutcome]) -> String {
        (["\(did): no stored state", "violations (\(violations.count))"] + violations.map { "  " + StatusJSON.violationLine($0) })
            .joined(separator: "\n")
    }

    /// The rate suffix of a partition's cursor line (`  N events/s`); empty for the whole run's cursor, so the lines
    /// of an unpartitioned database keep their form, and while the rate window holds one write.
    static func partitionRate(name: String, rate: Double?) -> String {
        guard let rate, !CursorKey.parse(name).partition.isWhole else { return "" }
        return "  \(PartitionStatus.roundedRate(rate).map(String.init) ?? "\(rate)") events/s"
    }

    /// `status`'s leases section (a database that keeps leases, when it holds any): per (relay, partition) the holder,
    /// the fencing epoch and the time left (or `expired`).
    package static func leases(_ leases: [Lease], nowMicros: Int64) -> String {
        var lines = ["leases"]
        for lease in leases.sorted(by: { ($0.key.upstream, $0.key.partition.count, $0.key.partition.index) < ($1.key.upstream, $1.key.partition.count, $1.key.partition.index) }) {
            let left = lease.expiresAt - nowMicros
            let state = left > 0 ? "expires in \(left / 1000) ms" : "expired"
            lines.append("  \(lease.key.upstream)  partition \(lease.key.partition)  holder \(lease.holder)  epoch \(lease.epoch)  \(state)")
        }
        return lines.joined(separator: "\n")
    }

    /// `status`: cursors (a partition's with its rate), accounts by state, outcome counts, host scorecards and recent
    /// violations.
    package static func summary(_ summary: StoreSummary) -> String {
        var lines = ["cursors"]
        for (name, position) in summary.cursors.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(name)  \(position)" + partitionRate(name: name, rate: summary.cursorRates[name]))
        }
        lines.append("accounts")
        for key in ["total", "active", "inactive", "synchronized", "desynchronized", "resyncing"] {
            lines.append("  " + SummaryReport.pad(key, 20) + SummaryReport.leftPad("\(summary.accounts[key] ?? 0)", 12))
        }
        lines.append("outcomes")
        for (key, count) in summary.outcomes.sorted(by: { $0.key < $1.key }) {
            lines.append("  " + SummaryReport.pad(key, 40) + SummaryReport.leftPad("\(count)", 12))
        }
        lines.append("hosts")
        if !summary.hosts.isEmpty { lines.append("  " + AuditText.hostHeader) }
        for host in summary.hosts { lines.append("  " + AuditText.hostLine(host)) }
        lines.append(contentsOf: AuditText.warningLines(summary.hosts))
        lines.append("recent violations")
        for v in summary.recentViolations { lines.append("  " + StatusJSON.violationLine(v)) }
        return lines.joined(separator: "\n")
    }
}
