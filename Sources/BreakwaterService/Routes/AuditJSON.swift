package import FirehoseSync
package import Foundation

/// JSON shapes of the audit figures, shared by `audit report --json`, `status --json` and the HTTP status API.
package enum AuditJSON {
    /// One host's scorecard row.
    package static func host(_ score: HostScore) -> [String: Any] {
        var outcomes: [String: Int] = [:]
        for outcome in Outcome.allCases { outcomes[outcome.rawValue] = score.count(outcome) }
        return [
            "host": score.host, "accounts": score.accounts, "events": score.events, "outcomes": outcomes,
            "reasons": score.byReason, "verifiedShare": share(score.share(.verified)),
            "unverifiableShare": share(score.share(.unverifiable)), "rejected": score.rejected,
            "desyncs": score.count(.desynchronized), "resyncsStarted": score.resyncsStarted,
            "resyncsCompleted": score.resyncsCompleted, "warnings": score.warnings,
        ]
    }

    /// A share rounded to 4 decimals.
    package static func share(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    /// One account of the most-violations list.
    package static func account(_ account: AuditAccount) -> [String: Any] {
        [
            "did": account.did, "host": account.host ?? NSNull(), "violations": account.violations,
            "rejected": account.rejected, "desynchronized": account.desynchronized, "unverifiable": account.unverifiable,
            "latest": account.latest.map(StatusJSON.violation) ?? NSNull(),
        ]
    }

    /// Relay health of one upstream.
    package static func relay(_ health: RelayHealthDelta) -> [String: Any] {
        var buckets: [[String: Any]] = []
        for (i, label) in RelayHealthDelta.lagBucketLabels.enumerated() {
            buckets.append(["bucket": label, "count": i < health.lagBuckets.count ? health.lagBuckets[i] : 0])
        }
        return [
            "frames": health.frames, "gaps": health.gaps, "missingSeqs": health.missingSeqs,
            "duplicates": health.duplicates, "reconnects": health.reconnects, "lagCount": health.lagCount,
            "lagMeanMillis": health.meanLagMillis.map { ($0 * 10).rounded() / 10 } ?? NSNull(),
            "lagMaxMillis": health.lagCount > 0 ? health.lagMaxMillis : NSNull(), "lagBuckets": buckets,
            "firstSeen": health.firstSeenMicros.map(AuditJSON.timestamp) ?? NSNull(),
            "lastSeen": health.lastSeenMicros.map(AuditJSON.timestamp) ?? NSNull(),
            "lastSeq": health.lastSeq ?? NSNull(), "backfillEvents": health.backfillEvents,
        ]
    }

    /// The whole report.
    package static func report(_ data: AuditData, generatedAt: Date) -> [String: Any] {
        var totals: [String: Int] = [:]
        for (key, n) in data.outcomes {
            let outcome = String(key.split(separator: "/").first ?? "")
            totals[outcome, default: 0] += n
        }
        let timeline = AuditTimeline(data.minutes)
        return [
            "generatedAt": ISO8601DateFormatter().string(from: generatedAt),
            "events": totals.values.reduce(0, +),
            "outcomes": totals,
            "reasons": data.outcomes.filter { $0.key.contains("/") },
            "hosts": data.hosts.map(host),
            "accounts": data.accounts.map(account),
            "timeline": [
                "unit": timeline.unit.rawValue,
                "buckets": timeline.buckets.map { bucket -> [String: Any] in
                    var counts: [String: Int] = [:]
                    for (outcome, n) in bucket.byOutcome { counts[outcome.rawValue] = n }
                    return ["start": timestamp(bucket.minute * 60_000_000), "outcomes": counts]
                },
            ] as [String: Any],
            "relays": data.relays.mapValues(relay),
            "cursors": data.cursors,
        ]
    }

    /// An ISO 8601 UTC timestamp of µs since the epoch.
    package static func timestamp(_ micros: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(micros) / 1_000_000))
    }
}

/// Outcome counts regrouped by minute, hour or day so a chart has at most about 120 bars.
package struct AuditTimeline {
    package enum Unit: String {
        case minute, hour, day
        package var minutes: Int64 {
            switch self {
            case .minute: return 1
            case .hour: return 60
            case .day: return 1440
            }
        }
    }

    package let unit: Unit
    package let buckets: [AuditTimeBucket]

    package init(_ minutes: [AuditTimeBucket]) {
        let span = (minutes.last?.minute ?? 0) - (minutes.first?.minute ?? 0)
        let unit: Unit = span <= 120 ? .minute : span <= 120 * 60 ? .hour : .day
        var grouped: [Int64: [Outcome: Int]] = [:]
        for bucket in minutes {
            let start = bucket.minute - ((bucket.minute % unit.minutes) + unit.minutes) % unit.minutes
            for (outcome, n) in bucket.byOutcome { grouped[start, default: [:]][outcome, default: 0] += n }
        }
        self.unit = unit
        self.buckets = grouped.keys.sorted().map { AuditTimeBucket(minute: $0, byOutcome: grouped[$0]!) }
    }
}
