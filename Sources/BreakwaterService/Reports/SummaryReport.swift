package import FirehoseAudit
package import FirehoseIngest
import FirehoseSync
import Foundation

/// Human and JSON renderings of a pipeline summary.
package enum SummaryReport {
    package static func table(_ summary: PipelineSummary, title: String, resumedAfter: Int) -> String {
        var lines: [String] = []
        lines.append(title)
        if resumedAfter >= 0 { lines.append("resumed after frame index \(resumedAfter)") }
        lines.append(String(repeating: "-", count: 48))
        lines.append(pad("outcome / reason", 36) + leftPad("count", 12))
        for outcome in Outcome.allCases {
            guard let total = summary.byOutcome[outcome], total > 0 else { continue }
            lines.append(pad(outcome.rawValue, 36) + leftPad(grouped(total), 12))
            let reasons = summary.byOutcomeAndReason
                .filter { $0.key.hasPrefix(outcome.rawValue + "/") }
                .sorted { $0.key < $1.key }
            for (key, count) in reasons {
                lines.append(pad("  " + key.dropFirst(outcome.rawValue.count + 1), 36) + leftPad(grouped(count), 12))
            }
        }
        lines.append(String(repeating: "-", count: 48))
        lines.append(pad("events", 36) + leftPad(grouped(summary.events), 12))
        lines.append(pad("commits", 36) + leftPad(grouped(summary.commits), 12))
        lines.append(pad("seconds", 36) + leftPad(String(format: "%.3f", summary.seconds), 12))
        lines.append(pad("active seconds (rates use these)", 36) + leftPad(String(format: "%.3f", summary.rateSeconds), 12))
        lines.append(pad("events/s", 36) + leftPad(grouped(Int(summary.eventsPerSecond.rounded())), 12))
        lines.append(pad("commits/s", 36) + leftPad(grouped(Int(summary.commitsPerSecond.rounded())), 12))
        return lines.joined(separator: "\n")
    }

    /// `value` with a comma between each group of three digits (`12,345`), for tables people read.
    package static func grouped(_ value: some BinaryInteger) -> String { groupedDigits(value) }

    package static func json(_ summary: PipelineSummary, truncated: String?, resumedAfter: Int) -> String {
        var object: [String: Any] = [
            "events": summary.events,
            "commits": summary.commits,
            "seconds": summary.seconds,
            "activeSeconds": summary.rateSeconds,
            "eventsPerSecond": summary.eventsPerSecond,
            "commitsPerSecond": summary.commitsPerSecond,
            "outcomes": Dictionary(uniqueKeysWithValues: summary.byOutcome.map { ($0.key.rawValue, $0.value) }),
            "reasons": Dictionary(uniqueKeysWithValues: summary.byReason.map { ($0.key.rawValue, $0.value) }),
        ]
        if let truncated { object["truncated"] = truncated }
        if resumedAfter >= 0 { object["resumedAfter"] = resumedAfter }
        if let cursor = summary.lastCursor { object["cursor"] = cursor }
        return JSONOutput.string(object)
    }

    /// The live comparison of two relays (`consume --relay A --relay B`): one column per relay.
    package static func comparison(_ counts: LiveRelayComparison.Counts, relays: [String], started: Bool) -> String {
        var lines = ["relay comparison" + (started ? "" : " (never started: no event came from both relays)")]
        lines.append(String(repeating: "-", count: 60))
        lines.append(pad("", 36) + leftPad("first", 12) + leftPad("second", 12))
        func row(_ name: String, _ values: [Int]) { lines.append(pad(name, 36) + values.map { leftPad(String($0), 12) }.joined()) }
        row("events in both", [counts.matched, counts.matched])
        for kind in RelayDivergence.Kind.allCases {
            row(kind == .missing ? "missing (lacked by this relay)" : kind.rawValue, counts.divergences.map { $0[kind] ?? 0 })
        }
        row("late (after reported missing)", counts.late)
        row("before the comparison started", counts.beforeStart)
        row("unconfirmed at the end", counts.unconfirmed)
        row("undecodable frames", counts.undecodable)
        lines.append("first:  \(relays[0])")
        lines.append("second: \(relays[1])")
        return lines.joined(separator: "\n")
    }

    package static func pad(_ text: some StringProtocol, _ width: Int) -> String {
        text.count >= width ? String(text) : text + String(repeating: " ", count: width - text.count)
    }

    package static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// The closing table of `consume`: the run's table titled with the relay (and the start cursor), the cursor
    /// reached, and with resyncs on, their counts.
    package static func consumeTable(_ summary: PipelineSummary, upstream: String, cursor: Int64?, withResyncs: Bool) -> String {
        var title = "consume \(upstream)"
        if let cursor { title += " from cursor \(cursor)" }
        var lines = [table(summary, title: title, resumedAfter: -1)]
        lines.append(pad("cursor", 36) + leftPad((summary.lastCursor ?? cursor).map(String.init) ?? "none", 12))
        if withResyncs {
            let r = summary.resyncs
            for (name, value) in [("resyncs scheduled", r.scheduled), ("resyncs succeeded", r.succeeded),
                                  ("resync attempts failed", r.failed), ("resyncs given up", r.gaveUp), ("resyncs cancelled", r.cancelled),
                                  ("held events applied", r.queuedApplied), ("held events dropped", r.queuedDropped)] {
                lines.append(pad(name, 36) + leftPad(String(value), 12))
            }
        }
        return lines.joined(separator: "\n")
    }
}
