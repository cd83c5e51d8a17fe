import FirehoseTesting
import Foundation
import GRDB
import Testing

/// `breakwater audit report` (Docs/CONTRACT.md §1): per-host attribution of every event, and the report's
/// JSON and HTML forms.
@Suite("audit report")
struct AuditReportTests {
    /// A replayed synth recording with faults only on pds0 and pds1, its database, and the expected counts.
    struct Fixture {
        let folder: URL
        let db: String
        /// Expected outcome counts per host (`host` → `outcome` → n), from expected.jsonl and identities.json.
        let expected: [String: [String: Int]]
        /// Expected `outcome/reason` counts per host.
        let expectedReasons: [String: [String: Int]]
    }

    static func makeFixture() throws -> Fixture {
        let folder = try CommandLineTests.temporaryFolder()
        let recording = folder.appendingPathComponent("rec").path
        let synth = try BreakwaterBinary.run([
            "synth", "--out", recording, "--repos", "24", "--commits", "260", "--seed", "9", "--faults", "0.2",
            "--hosts", "6", "--fault-hosts", "2", "--largest-tree", "20",
        ])
        try #require(synth.status == 0, "\(synth.stderr)")
        let db = folder.appendingPathComponent("audit.sqlite").path
        let replay = try BreakwaterBinary.run(["replay", recording, "--db", db, "--workers", "2"])
        try #require(replay.status == 0, "\(replay.stderr)")

        let identities = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: recording + "/identities.json"))) as? [String: [String: Any]] ?? [:]
        var hostOf: [String: String] = [:]
        for (did, entry) in identities {
            if let pds = entry["pds"] as? String, let url = URL(string: pds), let host = url.host { hostOf[did] = host }
        }
        var expected: [String: [String: Int]] = [:]
        var reasons: [String: [String: Int]] = [:]
        let lines = try String(contentsOfFile: recording + "/expected.jsonl", encoding: .utf8).split(separator: "\n")
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let host = (object["did"] as? String).flatMap { hostOf[$0] } ?? "unknown"
            let outcome = object["outcome"] as? String ?? "?"
            expected[host, default: [:]][outcome, default: 0] += 1
            if let reason = object["reason"] as? String { reasons[host, default: [:]]["\(outcome)/\(reason)", default: 0] += 1 }
        }
        return Fixture(folder: folder, db: db, expected: expected, expectedReasons: reasons)
    }

    @Test(.timeLimit(.minutes(2)))
    func perHostCountsEqualExpectedOutcomesAggregatedByHost() throws {
        let fixture = try Self.makeFixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let run = try BreakwaterBinary.run(["audit", "report", "--json", "--db", fixture.db])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        let hosts = report["hosts"] as? [[String: Any]] ?? []
        var actual: [String: [String: Int]] = [:]
        var actualReasons: [String: [String: Int]] = [:]
        for host in hosts {
            let name = host["host"] as? String ?? "?"
            actual[name] = (host["outcomes"] as? [String: Int] ?? [:]).filter { $0.value > 0 }
            if let reasons = host["reasons"] as? [String: Int], !reasons.isEmpty { actualReasons[name] = reasons }
            let events = host["events"] as? Int ?? -1
            #expect(events == fixture.expected[name]?.values.reduce(0, +))
        }
        #expect(actual == fixture.expected)
        #expect(actualReasons == fixture.expectedReasons)
        // Faults went only to pds0 and pds1 (and the account missing from identities.json, host unknown).
        #expect(Set(fixture.expected.keys).isSuperset(of: ["pds0.synth.test", "pds1.synth.test", "pds2.synth.test"]))
        for (host, counts) in actual where !["pds0.synth.test", "pds1.synth.test", "unknown"].contains(host) {
            #expect(counts["rejected"] == nil, "\(host) has rejects")
        }
        #expect((actual["pds0.synth.test"]?["rejected"] ?? 0) + (actual["pds1.synth.test"]?["rejected"] ?? 0) > 0)

        // status --json carries the same per-host figures.
        let status = try BreakwaterBinary.run(["status", "--json", "--db", fixture.db])
        try #require(status.status == 0)
        let statusObject = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any] ?? [:]
        let statusHosts = statusObject["hosts"] as? [[String: Any]] ?? []
        #expect(statusHosts.map { $0["host"] as? String } == hosts.map { $0["host"] as? String })
        #expect(statusHosts.map { $0["events"] as? Int } == hosts.map { $0["events"] as? Int })
    }

    @Test(.timeLimit(.minutes(2)))
    func htmlReportHasEverySectionAndEscapesNetworkStrings() throws {
        let fixture = try Self.makeFixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        // Plant markup where network strings go: a violation's detail and rev, and an account's host.
        let hostile = "<img src=x onerror=alert(1)>&\"'"
        let queue = try DatabaseQueue(path: fixture.db)
        let planted: String = try queue.write { db in
            let did = try String.fetchOne(db, sql: """
                SELECT did FROM violations WHERE outcome = 'rejected' ORDER BY id DESC LIMIT 1
                """) ?? ""
            try db.execute(sql: "UPDATE violations SET detail = ?, rev = ? WHERE did = ?", arguments: [hostile, hostile, did])
            try db.execute(sql: "UPDATE accounts SET pds_host = ? WHERE did = ?", arguments: [hostile, did])
            return did
        }
        try queue.close()
        #expect(!planted.isEmpty)
        let out = fixture.folder.appendingPathComponent("report.html").path
        let run = try BreakwaterBinary.run(["audit", "report", "--html", out, "--db", fixture.db, "--accounts", "1000"])
        try #require(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        for section in ["totals", "hosts", "accounts", "timeline", "relay"] {
            #expect(html.contains("<section id=\"\(section)\">"), "missing section \(section)")
        }
        #expect(html.contains("<table class=\"sortable\">"))
        #expect(html.contains("<svg"))
        #expect(html.contains("@media print"))
        #expect(html.contains("name=\"viewport\""))
        // Self-contained: no external resources, no links other than in-page anchors.
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("@import"))
        #expect(!html.contains("url("))
        #expect(html.components(separatedBy: "href=\"").dropFirst().allSatisfy { $0.hasPrefix("#") })
        // The DID appears as plain text; the hostile strings only escaped.
        #expect(html.contains("<span class=\"did\">\(planted)</span>"))
        #expect(!html.contains(hostile))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;"))
        // Every host of the fixture is in the table.
        for host in fixture.expected.keys {
            #expect(html.contains("<code class=\"host\">\(host)</code>"), "missing host \(host)")
        }
    }
}
