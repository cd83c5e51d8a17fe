import FirehoseStore
package import FirehoseSync
import Foundation

/// The plain-text scorecard.
package enum AuditText {
    package static func render(_ data: AuditData) -> String {
        var lines: [String] = []
        lines.append("hosts")
        lines.append("  " + hostHeader)
        for host in data.hosts { lines.append("  " + hostLine(host)) }
        lines.append(contentsOf: warningLines(data.hosts))
        lines.append("accounts with the most violations")
        for account in data.accounts {
            var line = "  \(account.did)  \(account.host ?? "unknown")  \(account.violations)"
            if let latest = account.latest?.line {
                line += "  latest: seq \(latest.seq.map(String.init) ?? "-") rev \(latest.rev ?? "-") \(latest.outcome.rawValue)/\(latest.reason?.rawValue ?? "-")"
            }
            lines.append(line)
        }
        lines.append("relay health")
        for (upstream, health) in data.relays.sorted(by: { $0.key < $1.key }) {
            var line = "  \(upstream)  frames \(health.frames)  gaps \(health.gaps) (\(health.missingSeqs) seqs)  duplicates \(health.duplicates)  reconnects \(health.reconnects)"
            if let mean = health.meanLagMillis { line += "  lag mean \(AuditHTML.millis(mean)) max \(AuditHTML.millis(Double(health.lagMaxMillis)))" }
            if health.backfillEvents > 0 { line += "  backfill \(health.backfillEvents) (older than a day, not in the lag)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// One warning count of one host.
    package struct WarningRow {
        package var host: String
        package var kind: String
        package var count: Int
    }

    /// Every (host, warning) count, hosts by most warnings, then codes by count.
    package static func warningRows(_ hosts: [HostScore]) -> [WarningRow] {
        hosts.filter { $0.warningCount > 0 }
            .sorted { $0.warningCount != $1.warningCount ? $0.warningCount > $1.warningCount : $0.host < $1.host }
            .flatMap { host in
                host.warnings.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .map { WarningRow(host: host.host, kind: $0.key, count: $0.value) }
            }
    }

    /// The "conformance warnings" block (also used by `status`): nothing when no host has any.
    package static func warningLines(_ hosts: [HostScore]) -> [String] {
        let rows = warningRows(hosts)
        guard !rows.isEmpty else { return [] }
        var lines = ["conformance warnings (verified or applied despite a deviation)"]
        lines.append("  " + SummaryReport.pad("host", 32) + SummaryReport.pad("warning", 26) + SummaryReport.leftPad("events", 10))
        for row in rows {
            lines.append("  " + SummaryReport.pad(row.host, 32) + SummaryReport.pad(row.kind, 26) + SummaryReport.leftPad("\(row.count)", 10))
        }
        return lines
    }

    /// The column headings of ``hostLine(_:)`` (also used by `status`).
    package static var hostHeader: String {
        SummaryReport.pad("host", 32) + SummaryReport.leftPad("events", 10) + SummaryReport.leftPad("verified", 10)
            + SummaryReport.leftPad("rejected", 10) + SummaryReport.leftPad("desyncs", 9) + SummaryReport.leftPad("resyncs", 9)
            + SummaryReport.leftPad("unverif.", 10)
    }

    /// One host row (also used by `status`).
    package static func hostLine(_ host: HostScore) -> String {
        SummaryReport.pad(host.host, 32) + SummaryReport.leftPad("\(host.events)", 10)
            + SummaryReport.leftPad(AuditHTML.percent(host.share(.verified)), 10) + SummaryReport.leftPad("\(host.rejected)", 10)
            + SummaryReport.leftPad("\(host.count(.desynchronized))", 9)
            + SummaryReport.leftPad("\(host.resyncsCompleted)/\(host.resyncsStarted)", 9)
            + SummaryReport.leftPad(AuditHTML.percent(host.share(.unverifiable)), 10)
    }
}
