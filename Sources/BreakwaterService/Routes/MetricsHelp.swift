import FirehoseIngest

/// The `# HELP` line of every metric in `/metrics`: swift-metrics carries no help text, so the exposition is
/// completed here, one line before each `# TYPE` that lacks one (a metric not in ``texts`` gets a generic text,
/// so no metric is ever without one).
package enum MetricsHelp {
    /// The build info gauge (value 1, labels `version`, `commit`, `toolchain`).
    package static let buildInfo = "breakwater_build_info"

    /// Help text by metric name.
    package static let texts: [String: String] = [
        BreakwaterMetricNames.events: "Events whose outcome is durably stored, by type, outcome and reason.",
        BreakwaterMetricNames.commitsVerified: "#commit events verified.",
        BreakwaterMetricNames.verificationDuration: "Time to verify one event in a worker, in seconds.",
        BreakwaterMetricNames.queueDepth: "Items waiting in one of the service's queues.",
        BreakwaterMetricNames.cursor: "The last cursor (relay seq) stored with the state.",
        BreakwaterMetricNames.upstreamLag: "Now minus the time of the last stored event, in seconds.",
        BreakwaterMetricNames.reconnects: "Reconnects to the upstream.",
        BreakwaterMetricNames.seqGaps: "Seq jumps of more than one in the stream.",
        BreakwaterMetricNames.seqDuplicates: "Frames whose seq does not advance, not processed.",
        BreakwaterMetricNames.resyncs: "Account resyncs started, succeeded and failed.",
        BreakwaterMetricNames.identityCacheLookups: "Signing-key look-ups answered by the identity cache (hit) or not (miss).",
        BreakwaterMetricNames.alerts: "Alerts raised (rejected and desynchronized outcomes).",
        BreakwaterMetricNames.relayDivergences: "Divergences between two relays compared live.",
        BreakwaterMetricNames.webhookPosts: "Webhook POST attempts by result.",
        BreakwaterMetricNames.webhookDropped: "Alerts dropped before delivery to the webhook.",
        BreakwaterMetricNames.warnings: "Conformance warnings on stored outcomes, by kind.",
        buildInfo: "The build: version, commit and toolchain (value 1).",
    ]

    /// The exposition with a `# HELP name text` line before every `# TYPE name kind` line not already preceded by one.
    package static func complete(_ exposition: String) -> String {
        var out: [Substring] = []
        var previous: Substring = ""
        for line in exposition.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst("# TYPE ".count).split(separator: " ").first.map(String.init) ?? ""
                if !previous.hasPrefix("# HELP \(name) ") {
                    out.append(Substring("# HELP \(name) \(texts[name] ?? "Breakwater metric \(name).")"))
                }
            }
            out.append(line)
            previous = line
        }
        return out.joined(separator: "\n")
    }
}
