import FirehoseIngest
import FirehoseRelay
import FirehoseTesting
import Foundation
import Testing

/// `breakwater consume` as a real process against a recording served on 127.0.0.1: alerts as JSON
/// log lines and webhook batches, `/metrics` in the Prometheus text format with the counts of the recording, and
/// the status API.
@Suite("consume alerts, metrics and status API", .timeLimit(.minutes(2)))
struct ConsumeObservabilityTests {
    static let alertOutcomes: Set<String> = ["rejected", "desynchronized"]

    @Test func everyRejectedEventReachesTheWebhookAfterARetryAndTheJSONLog() async throws {
        try #require(BreakwaterBinary.url != nil, "build the executable first (swift build)")
        let recording = Observe.replay("rule-bad-signature")
        let expected = try Observe.expected(recording)
        let expectedAlerts = expected.filter { Self.alertOutcomes.contains($0.outcome) }
        try #require(!expectedAlerts.isEmpty)
        let folder = try Observe.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stderr = folder.appendingPathComponent("stderr")
        let configuration = RelayServerConfiguration(recording: RecordingLocation(path: recording.path))
        let eventCount = expected.count
        let (status, requests) = try await LiveTest.withServer(configuration) { server in
            try await WebhookReceiver.with(answers: [500]) { receiver in
                let process = try BreakwaterBinary.start([
                    "consume", "--relay", server.url, "--identities", recording.appendingPathComponent("identities.json").path,
                    "--db", folder.appendingPathComponent("db.sqlite").path, "--workers", "2", "--progress", "0",
                    "--max-retries", "3", "--max-events", "\(eventCount)", "--webhook", receiver.url, "--log-format", "json",
                ], stderr: stderr)
                return (try await Observe.wait(process, seconds: 60), receiver.requests)
            }
        }
        #expect(status == 0, "consume failed: \((try? String(contentsOf: stderr, encoding: .utf8)) ?? "")")

        // Webhook: a 500 first, then the same batch again, and every alert delivered once, in order.
        #expect(requests.first?.status == 500)
        #expect(requests.dropFirst().allSatisfy { $0.status == 200 })
        #expect(requests.allSatisfy { $0.method == "POST" && $0.path == "/hook" })
        #expect(requests.count >= 2 && requests[0].body == requests[1].body)
        let delivered = requests.filter { $0.status == 200 }.flatMap(\.alerts)
        #expect(delivered.map { $0["seq"] as? Int } == expectedAlerts.map { $0.seq.map(Int.init) })
        for (alert, line) in zip(delivered, expectedAlerts) {
            #expect(alert["did"] as? String == line.did)
            #expect(alert["rev"] as? String == line.rev)
            #expect(alert["outcome"] as? String == line.outcome)
            #expect(alert["reason"] as? String == line.reason)
            #expect(alert["type"] as? String == line.type)
            #expect(alert["host"] as? String == "127.0.0.1")
            #expect(alert.keys.contains("detail"))
            #expect((alert["time"] as? String)?.hasSuffix("Z") == true)
        }
        #expect(requests.last?.json["dropped"] as? Int == 0)

        // JSON log: one line per alert, with the alert's fields as top-level keys.
        let logged = Observe.logLines(stderr).filter { $0["label"] as? String == "breakwater.alerts" }
        #expect(logged.map { $0["alert.seq"] as? Int } == expectedAlerts.map { $0.seq.map(Int.init) })
        for (line, alert) in zip(logged, expectedAlerts) {
            #expect(line["level"] as? String == "warning")
            #expect(line["message"] as? String == "event rejected")
            #expect(line["alert.did"] as? String == alert.did)
            #expect(line["alert.rev"] as? String == alert.rev)
            #expect(line["alert.reason"] as? String == alert.reason)
            #expect(line["alert.host"] as? String == "127.0.0.1")
            #expect(line["time"] is String)
        }
        // The retry was logged too.
        #expect(Observe.logLines(stderr).contains { $0["message"] as? String == "webhook POST failed; retrying" })
    }

    @Test func metricsAndStatusAPIDescribeAConsumedRecording() async throws {
        try #require(BreakwaterBinary.url != nil, "build the executable first (swift build)")
        let recording = Observe.replay("demo")
        let expected = try Observe.expected(recording)
        let lastSeq = try #require(expected.compactMap { $0.seq.map(Int.init) }.max())
        let folder = try Observe.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite").path
        let stderr = folder.appendingPathComponent("stderr")
        let configuration = RelayServerConfiguration(recording: RecordingLocation(path: recording.path))
        try await LiveTest.withServer(configuration) { server in
            let process = try BreakwaterBinary.start([
                "consume", "--relay", server.url, "--plc", server.url.replacingOccurrences(of: "ws:", with: "http:"),
                "--identities", recording.appendingPathComponent("identities.json").path, "--db", database,
                "--workers", "2", "--progress", "0", "--max-retries", "3", "--log-format", "json",
                "--metrics", "127.0.0.1:0", "--http", "127.0.0.1:0",
            ], stderr: stderr)
            defer { if process.isRunning { process.terminate() } }
            let metricsURL = try await Observe.listeningURL(stderr, message: "metrics listening", process: process)
            let apiURL = try await Observe.listeningURL(stderr, message: "status API listening", process: process)

            // /health answers while the service runs.
            let health = try await Observe.request(apiURL + "/health")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")

            // Wait until the whole recording is stored (the cursor gauge reaches its last seq).
            var metrics = try PrometheusText(try await Observe.request(metricsURL + "/metrics").text)
            for _ in 0..<600 where metrics.value(BreakwaterMetricNames.cursor) != Double(lastSeq) {
                try await Task.sleep(for: .milliseconds(100))
                metrics = try PrometheusText(try await Observe.request(metricsURL + "/metrics").text)
            }
            let answer = try await Observe.request(metricsURL + "/metrics")
            #expect(answer.status == 200)
            #expect(answer.contentType?.hasPrefix("text/plain") == true)
            metrics = try PrometheusText(answer.text)
            Self.checkMetrics(metrics, expected: expected, lastSeq: lastSeq)

            try await Self.checkStatusAPI(apiURL, database: database, expected: expected)

            kill(process.processIdentifier, SIGTERM)
            #expect(try await Observe.wait(process, seconds: 20) == 0)
        }
        // Desynchronized events are alerts as well.
        let logged = Observe.logLines(stderr).filter { $0["label"] as? String == "breakwater.alerts" }
        let expectedAlerts = expected.filter { Self.alertOutcomes.contains($0.outcome) }
        #expect(logged.map { $0["alert.seq"] as? Int } == expectedAlerts.map { $0.seq.map(Int.init) })
        #expect(logged.contains { $0["message"] as? String == "account desynchronized" && $0["alert.reason"] as? String == "chain-break" })
    }

    static func checkMetrics(_ metrics: PrometheusText, expected: [ExpectedOutcome], lastSeq: Int) {
        typealias Names = BreakwaterMetricNames
        #expect(metrics.types[Names.events] == "counter")
        #expect(metrics.types[Names.verificationDuration] == "histogram")
        #expect(metrics.types[Names.cursor] == "gauge")
        #expect(metrics.sum(Names.events) == Double(expected.count))
        var counts: [String: Int] = [:]
        for line in expected {
            let key = "\(line.type)|\(line.outcome)|\(line.reason ?? "none")"
            counts[key, default: 0] += 1
        }
        for (key, count) in counts {
            let parts = key.split(separator: "|").map(String.init)
            #expect(metrics.value(Names.events, ["type": parts[0], "outcome": parts[1], "reason": parts[2]]) == Double(count), "\(key)")
        }
        let verifiedCommits = counts["commit|verified|none"] ?? 0
        #expect(verifiedCommits > 0)
        #expect(metrics.value(Names.commitsVerified) == Double(verifiedCommits))
        #expect(metrics.value(Names.verificationDuration + "_count") == Double(expected.count))
        #expect(metrics.value(Names.cursor) == Double(lastSeq))
        #expect((metrics.value(Names.upstreamLag) ?? -1) > 0)
        #expect(metrics.value(Names.reconnects) == 0)
        #expect(metrics.value(Names.seqGaps) != nil)
        // The recording is served without full repositories, and each chain break of the demo is repaired by a #sync
        // two frames later, which cancels its resync: at most an attempt already in flight
        // starts (its getRepo gets a 404), none succeeds, and each started attempt fails or is dropped.
        let desynchronizedAccounts = Set(expected.filter { $0.outcome == "desynchronized" }.compactMap(\.did)).count
        let started = metrics.value(Names.resyncs, ["result": "started"]) ?? 0
        #expect(started <= Double(desynchronizedAccounts))
        #expect(metrics.value(Names.resyncs, ["result": "succeeded"]) == 0)
        #expect((metrics.value(Names.resyncs, ["result": "failed"]) ?? 0) <= started)
        #expect((metrics.value(Names.identityCacheLookups, ["result": "miss"]) ?? 0) >= 1)
        #expect(metrics.value(Names.identityCacheLookups, ["result": "hit"]) != nil)
        let alerts = expected.filter { alertOutcomes.contains($0.outcome) }
        #expect(metrics.sum(Names.alerts) == Double(alerts.count))
        #expect(metrics.value(Names.alerts, ["outcome": "desynchronized"]) == Double(alerts.filter { $0.outcome == "desynchronized" }.count))
        for queue in ["in_flight", "reorder", "batch"] {
            #expect(metrics.value(Names.queueDepth, ["queue": queue]) == 0, "\(queue)")
        }
    }

    static func checkStatusAPI(_ base: String, database: String, expected: [ExpectedOutcome]) async throws {
        // /status is the document of `status --json`, byte for byte.
        let status = try await Observe.request(base + "/status")
        #expect(status.status == 200)
        #expect(status.contentType == "application/json")
        let cli = try BreakwaterBinary.run(["status", "--db", database, "--json"])
        #expect(cli.status == 0)
        #expect(status.text == cli.stdout)
        #expect((status.json["outcomes"] as? [String: Int])?["rejected/bad-signature"] == 2)

        // /repos/{did} is `status --did DID --json`.
        let violating = try #require(expected.first { $0.outcome == "rejected" && $0.did != nil })
        let did = try #require(violating.did)
        let repo = try await Observe.request(base + "/repos/" + did)
        #expect(repo.status == 200)
        let cliRepo = try BreakwaterBinary.run(["status", "--db", database, "--did", did, "--json"])
        #expect(repo.text == cliRepo.stdout)
        #expect(repo.json["did"] as? String == did)
        #expect(!((repo.json["violations"] as? [Any]) ?? []).isEmpty)
        #expect(try await Observe.request(base + "/repos/did:plc:aaaaaaaaaaaaaaaaaaaaaaaa").status == 404)
        #expect(try await Observe.request(base + "/repos/not-a-did").status == 400)

        // /violations: newest first, limited, filtered by since (µs or RFC 3339).
        let violationCount = expected.filter { ["rejected", "desynchronized"].contains($0.outcome) }.count
        let all = try await Observe.request(base + "/violations?limit=1000")
        #expect(all.status == 200)
        let listed = all.json["violations"] as? [[String: Any]] ?? []
        #expect(listed.count >= violationCount)
        let seqs = listed.compactMap { $0["seq"] as? Int }
        #expect(seqs == seqs.sorted(by: >))
        let five = try await Observe.request(base + "/violations?limit=5")
        #expect((five.json["violations"] as? [Any])?.count == 5)
        #expect(five.json["limit"] as? Int == 5)
        let capped = try await Observe.request(base + "/violations?limit=999999")
        #expect(capped.json["limit"] as? Int == 1000)
        let future = try await Observe.request(base + "/violations?since=2999-01-01T00:00:00Z")
        #expect(future.status == 200 && (future.json["violations"] as? [Any])?.isEmpty == true)
        let zero = try await Observe.request(base + "/violations?since=0&limit=3")
        #expect((zero.json["violations"] as? [Any])?.count == 3)
        #expect(try await Observe.request(base + "/violations?since=yesterday").status == 400)
        #expect(try await Observe.request(base + "/violations?limit=0").status == 400)

        // Errors.
        #expect(try await Observe.request(base + "/nothing-here").status == 404)
        #expect(try await Observe.request(base + "/status", method: "POST").status == 405)
    }
}
