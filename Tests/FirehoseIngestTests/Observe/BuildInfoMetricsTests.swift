import FirehoseIngest
import FirehoseRelay
import FirehoseTesting
import Foundation
import Testing

/// `consume --metrics :PORT --http :PORT` (all interfaces): `/metrics` has a `# HELP` line for every metric and
/// `breakwater_build_info{version,commit,toolchain} 1`; `/health` names the build.
@Suite("consume build info, metric help and :PORT", .timeLimit(.minutes(2)))
struct BuildInfoMetricsTests {
    @Test func everyMetricHasHelpAndTheBuildIsNamedOnAllInterfaces() async throws {
        try #require(BreakwaterBinary.url != nil, "build the executable first (swift build)")
        let recording = Observe.replay("demo")
        let folder = try Observe.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stderr = folder.appendingPathComponent("stderr")
        let configuration = RelayServerConfiguration(recording: RecordingLocation(path: recording.path))
        try await LiveTest.withServer(configuration) { server in
            let process = try BreakwaterBinary.start([
                "consume", "--relay", server.url, "--plc", server.url.replacingOccurrences(of: "ws:", with: "http:"),
                "--identities", recording.appendingPathComponent("identities.json").path,
                "--db", folder.appendingPathComponent("db.sqlite").path,
                "--workers", "2", "--max-retries", "3", "--log-format", "json", "--metrics", ":0", "--http", ":0",
            ], stderr: stderr)
            defer { if process.isRunning { process.terminate() } }
            let metricsURL = try await Observe.listeningURL(stderr, message: "metrics listening", process: process)
            let apiURL = try await Observe.listeningURL(stderr, message: "status API listening", process: process)
            // `:PORT` listens on all interfaces.
            #expect(metricsURL.hasPrefix("http://0.0.0.0:"), "\(metricsURL)")
            #expect(apiURL.hasPrefix("http://0.0.0.0:"), "\(apiURL)")
            let local = { (url: String) in url.replacingOccurrences(of: "0.0.0.0", with: "127.0.0.1") }

            // Wait until events were counted, so the counters exist.
            var text = try await Observe.request(local(metricsURL) + "/metrics").text
            for _ in 0..<400 where !text.contains(BreakwaterMetricNames.events + "{") {
                try await Task.sleep(for: .milliseconds(50))
                text = try await Observe.request(local(metricsURL) + "/metrics").text
            }
            _ = try PrometheusText(text)
            let lines = text.split(separator: "\n").map(String.init)
            let typed = lines.filter { $0.hasPrefix("# TYPE ") }
            #expect(typed.count >= 5)
            for (index, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
                let name = line.split(separator: " ")[2]
                #expect(index > 0 && lines[index - 1].hasPrefix("# HELP \(name) "), "no HELP before \(line)")
            }
            let buildInfo = lines.first { $0.hasPrefix("breakwater_build_info{") }
            #expect(buildInfo?.hasSuffix(" 1") == true || buildInfo?.hasSuffix(" 1.0") == true, "\(buildInfo ?? "no breakwater_build_info")")
            for label in ["version=\"", "commit=\"", "toolchain=\""] {
                #expect(buildInfo?.contains(label) == true, "\(buildInfo ?? "")")
            }

            let health = try await Observe.request(local(apiURL) + "/health")
            #expect(health.status == 200)
            #expect(health.json["version"] is String)
            #expect((health.json["commit"] as? String)?.isEmpty == false)
            #expect((health.json["toolchain"] as? String)?.isEmpty == false)
            #expect((health.json["buildDate"] as? String)?.isEmpty == false)

            kill(process.processIdentifier, SIGTERM)
            #expect(try await Observe.wait(process, seconds: 20) == 0)
        }
    }
}
