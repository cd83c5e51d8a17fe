import FirehoseTesting
import Foundation
import Testing

/// Output people read: summaries on stderr when `--events -` takes
/// stdout, `consume --json`, log options on every long-running command, progress as JSON with JSON logs.
@Suite("output people read", .serialized, .timeLimit(.minutes(3)))
struct OutputPeopleReadTests {
    static var demo: URL { ClearMessagesTests.demo }

    @Test func replayPutsItsSummaryOnStderrWhenTheEventsTakeStdout() throws {
        let result = try BreakwaterBinary.run(["replay", Self.demo.path, "--events", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count > 900)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"i\": ") }, "stdout holds only outcome lines")
        #expect(result.stderr.contains("replay \(Self.demo.path)"), "\(result.stderr)")
        #expect(result.stderr.contains("events"), "\(result.stderr)")
    }

    @Test func replayJSONSummaryGoesToStderrWhenTheEventsTakeStdout() throws {
        let result = try BreakwaterBinary.run(["replay", Self.demo.path, "--events", "-", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("{\"i\": ") })
        let summaryText = try #require(result.stderr.range(of: "{"))
        let summary = try JSONSerialization.jsonObject(with: Data(result.stderr[summaryText.lowerBound...].utf8)) as? [String: Any]
        #expect(summary?["events"] != nil, "\(result.stderr)")
    }

    @Test func consumeJSONPrintsTheSummaryLikeReplayJSON() async throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await ClearMessagesTests.withServer(Self.demo) { address in
            try BreakwaterBinary.run(["consume", "--relay", "ws://\(address)", "--max-events", "20", "--json", "--progress", "0",
                                      "--identities", Self.demo.appendingPathComponent("identities.json").path,
                                      "--db", folder.appendingPathComponent("db.sqlite").path])
        }
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(summary?["events"] as? Int == 20, "\(result.stdout)")
        #expect(summary?["cursor"] as? Int != nil, "\(result.stdout)")
    }

    @Test("every long-running command takes --log-format and --log-level", arguments: ["consume", "record", "serve"])
    func everyLongRunningCommandTakesTheLogOptions(_ command: String) throws {
        let help = try BreakwaterBinary.run([command, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--log-format"), "\(help.stdout)")
        #expect(help.stdout.contains("--log-level"), "\(help.stdout)")
    }

    @Test("an unknown BREAKWATER_LOG_* value is refused",
          arguments: [["BREAKWATER_LOG_LEVEL": "loud"], ["BREAKWATER_LOG_FORMAT": "xml"]])
    func anUnknownLogEnvironmentValueIsRefused(_ environment: [String: String]) throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite")
        let result = try BreakwaterBinary.run(["consume", "--relay", "ws://127.0.0.1:1", "--db", database.path], environment: environment)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: bad-option: "), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database.path))
    }

    @Test func withJSONLogsProgressIsAJSONRecordToo() async throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await ClearMessagesTests.withServer(Self.demo, ["--rate", "100"]) { address in
            try BreakwaterBinary.run(["record", "--relay", "ws://\(address)", "--out", folder.appendingPathComponent("rec").path,
                                      "--plc", "http://\(address)", "--max-events", "60", "--progress", "0.1",
                                      "--log-format", "json", "--log-level", "debug"])
        }
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        var progress = 0
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not JSON: \(line)")
            if object?["message"] as? String == "progress" { progress += 1 }
        }
        #expect(progress > 0, "\(result.stderr)")
    }

    @Test func replayProgressPrintsLinesOnStderr() throws {
        let result = try BreakwaterBinary.run(["replay", Self.demo.path, "--progress", "0.005", "--workers", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("replay: ") }
        #expect(!lines.isEmpty, "\(result.stderr)")
        #expect(lines.allSatisfy { $0.contains(" events, ") }, "\(result.stderr)")
    }

    @Test func tablesGroupThousandsAndLabelTheReplayCursorAsAFrameIndex() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite").path
        let recording = folder.appendingPathComponent("rec").path
        let synth = try BreakwaterBinary.run(["synth", "--out", recording, "--repos", "5", "--commits", "1100", "--seed", "3"])
        try #require(synth.status == 0, "\(synth.stderr)")
        let big = try BreakwaterBinary.run(["replay", recording])
        #expect(big.status == 0, "\(big.stderr)")
        #expect(big.stdout.range(of: #"\nevents +1,\d{3}\n"#, options: .regularExpression) != nil, "\(big.stdout)")
        let first = try BreakwaterBinary.run(["replay", Self.demo.path, "--db", database])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try BreakwaterBinary.run(["replay", Self.demo.path, "--db", database])
        #expect(second.stdout.contains("resumed after frame index 943"), "\(second.stdout)")
    }

    @Test func mirrorListIsATableByDefaultAndJSONWithRFC3339Times() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let recording = folder.appendingPathComponent("rec"), cars = folder.appendingPathComponent("cars")
        let synth = try BreakwaterBinary.run(["synth", "--out", recording.path, "--repos", "1", "--commits", "5", "--seed", "5",
                                              "--repos-dir", cars.path])
        try #require(synth.status == 0, "\(synth.stderr)")
        let identities = try Data(contentsOf: recording.appendingPathComponent("identities.json"))
        let did = try #require(((try JSONSerialization.jsonObject(with: identities) as? [String: Any]) ?? [:]).keys.first)
        let car = cars.appendingPathComponent(did.replacingOccurrences(of: ":", with: "_") + ".car").path
        let database = folder.appendingPathComponent("db.sqlite").path
        let imported = try BreakwaterBinary.run(["mirror", "import", did, car, "--identities",
                                                 recording.appendingPathComponent("identities.json").path, "--db", database])
        try #require(imported.status == 0, "\(imported.stderr)")
        let table = try BreakwaterBinary.run(["mirror", "list", "--db", database])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("did ") == true, "\(table.stdout)")
        #expect(lines.count == 2, "\(table.stdout)")
        #expect(table.stdout.range(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, options: .regularExpression) != nil, "\(table.stdout)")
        let json = try BreakwaterBinary.run(["mirror", "list", "--db", database, "--json"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(array.first?["did"] as? String == did)
        let added = try #require(array.first?["addedAt"] as? String)
        #expect(added.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression) != nil, "\(added)")
    }

    @Test func statusHostsBlockHasColumnHeadings() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite").path
        let replay = try BreakwaterBinary.run(["replay", Self.demo.path, "--db", database])
        try #require(replay.status == 0, "\(replay.stderr)")
        let status = try BreakwaterBinary.run(["status", "--db", database])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.range(of: #"\nhosts\n  host +events +verified +rejected"#, options: .regularExpression) != nil,
                "\(status.stdout)")
    }

    /// Violations carry RFC 3339 times in `status` (text and JSON) and so in the status API's `/violations`, which is
    /// built by the same code; the microseconds stay beside them for machines (`?since=` takes either).
    @Test func violationTimesAreRFC3339() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite").path
        let replay = try BreakwaterBinary.run(["replay", Self.demo.path, "--db", database])
        try #require(replay.status == 0, "\(replay.stderr)")
        let json = try BreakwaterBinary.run(["status", "--db", database, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let violations = object?["recentViolations"] as? [[String: Any]] ?? []
        #expect(!violations.isEmpty)
        let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,6}Z$"#
        for violation in violations {
            let text = violation["processedAt"] as? String ?? ""
            #expect(text.range(of: pattern, options: .regularExpression) != nil, "processedAt \(text)")
            #expect(violation["processedAtMicros"] as? Int64 != nil || violation["processedAtMicros"] as? Int != nil)
        }
        let status = try BreakwaterBinary.run(["status", "--db", database])
        let lines = status.stdout.split(separator: "\n").filter { $0.contains(" seq ") && $0.contains("rejected/") }
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.range(of: #"^  \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,6}Z  seq "#, options: .regularExpression) != nil, "\(line)")
        }
    }

    @Test func consumeShowsTheStartCursorWhenNoEventArrived() async throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await ClearMessagesTests.withServer(Self.demo) { address in
            try BreakwaterBinary.run(["consume", "--relay", "ws://\(address)", "--cursor", "944", "--duration", "1.5", "--progress", "0.4",
                                      "--identities", Self.demo.appendingPathComponent("identities.json").path,
                                      "--db", folder.appendingPathComponent("db.sqlite").path])
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.range(of: #"\ncursor +944\n"#, options: .regularExpression) != nil, "\(result.stdout)")
        let progress = result.stderr.split(separator: "\n").filter { $0.hasPrefix("consume: ") }
        #expect(!progress.isEmpty, "\(result.stderr)")
        #expect(progress.allSatisfy { $0.hasSuffix("cursor 944") }, "\(result.stderr)")
    }

    @Test func synthProgressPrintsLinesOnStderr() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BreakwaterBinary.run(["synth", "--out", folder.appendingPathComponent("rec").path, "--repos", "20",
                                               "--commits", "3000", "--seed", "4", "--progress", "0.01"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains(" events written, "), "\(result.stderr)")
        #expect(result.stderr.contains("3,000 commits"), "\(result.stderr)")
    }
}
