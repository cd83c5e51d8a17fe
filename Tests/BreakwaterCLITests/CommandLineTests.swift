import FirehoseTesting
import Foundation
import Testing

/// The executable's outside contract (Docs/CONTRACT.md §1): exit statuses, messages, files.
@Suite("breakwater command line")
struct CommandLineTests {
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func versionAndHelpWork() throws {
        let version = try BreakwaterBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(!version.stdout.isEmpty)
        let help = try BreakwaterBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("replay"))
    }

    @Test func operationalErrorsExitWithOneAndACode() throws {
        let missing = try BreakwaterBinary.run(["replay", "/nonexistent/recording"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: file-not-found: "))
        let bad = try BreakwaterBinary.run(["inspect", "did-key", "did:key:zNotAKey"])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("error: "))
    }

    @Test func aTruncatedRecordingIsReportedAndWhatCameBeforeIsProcessed() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = Vectors.projectRoot.appendingPathComponent("Replays/indigo-post-lifecycle")
        var frames = try Data(contentsOf: source.appendingPathComponent("frames.bin"))
        frames.removeLast(10)
        try frames.write(to: folder.appendingPathComponent("frames.bin"))
        try FileManager.default.copyItem(at: source.appendingPathComponent("identities.json"),
                                         to: folder.appendingPathComponent("identities.json"))
        let result = try BreakwaterBinary.run(["replay", folder.path, "--json"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("truncated"))
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(summary?["events"] as? Int == 5)
        #expect((summary?["outcomes"] as? [String: Int])?["verified"] == 5)
    }

    @Test func synthIsByteIdenticalAcrossRunsAndReplaysToItsExpectations() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a").path, b = folder.appendingPathComponent("b").path
        for out in [a, b] {
            let run = try BreakwaterBinary.run(["synth", "--out", out, "--repos", "8", "--commits", "120", "--seed", "5", "--faults", "0.1"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        for name in ["frames.bin", "identities.json", "expected.jsonl"] {
            let first = try Data(contentsOf: URL(fileURLWithPath: a).appendingPathComponent(name))
            let second = try Data(contentsOf: URL(fileURLWithPath: b).appendingPathComponent(name))
            #expect(first == second, "\(name) differs between runs")
        }
        let events = folder.appendingPathComponent("events.jsonl").path
        let replay = try BreakwaterBinary.run(["replay", a, "--events", events])
        #expect(replay.status == 0)
        let fields = ["i", "seq", "type", "did", "rev", "outcome", "reason"]
        func load(_ path: String) throws -> [[String: String]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                return Dictionary(uniqueKeysWithValues: fields.map { ($0, "\(object[$0] ?? "nil")") })
            }
        }
        #expect(try load(events) == load(a + "/expected.jsonl"))
    }

    @Test func statusReportsWhatAReplayStored() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("state.sqlite").path
        let source = Vectors.projectRoot.appendingPathComponent("Replays/rule-bad-signature").path
        #expect(try BreakwaterBinary.run(["replay", source, "--db", db]).status == 0)
        let status = try BreakwaterBinary.run(["status", "--db", db, "--json"])
        #expect(status.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let outcomes = object?["outcomes"] as? [String: Int]
        #expect((outcomes?["rejected/bad-signature"] ?? 0) >= 1)
        let violations = object?["recentViolations"] as? [[String: Any]]
        #expect(violations?.contains { $0["reason"] as? String == "bad-signature" } == true)
    }

    @Test func inspectFramePrintsHeaderAndBodyAndRefusesGarbage() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let recording = try [UInt8](Data(contentsOf: Vectors.projectRoot.appendingPathComponent("Replays/indigo-post-lifecycle/frames.bin")))
        let length = Int(recording[0]) << 24 | Int(recording[1]) << 16 | Int(recording[2]) << 8 | Int(recording[3])
        let frame = folder.appendingPathComponent("frame.bin")
        try Data(recording[4..<(4 + length)]).write(to: frame)
        let result = try BreakwaterBinary.run(["inspect", "frame", frame.path])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((object?["header"] as? [String: Any])?["t"] as? String == "#commit")
        #expect(object?["type"] as? String == "commit")
        #expect(object?["envelope"] as? String == "ok")
        #expect(object?["warnings"] as? [String] == [])
        // The same commit without its deprecated blobs: ok, with the warning named.
        let quirks = try [UInt8](Data(contentsOf: Vectors.projectRoot.appendingPathComponent("Replays/rule-quirks/frames.bin")))
        let expected = try String(contentsOf: Vectors.projectRoot.appendingPathComponent("Replays/rule-quirks/expected.jsonl"), encoding: .utf8)
        let lines = expected.split(separator: "\n")
        let index = try #require(lines.firstIndex { $0.contains("\"blobs-absent\"") })
        var offset = 0
        for _ in 0..<index { offset += 4 + (Int(quirks[offset]) << 24 | Int(quirks[offset + 1]) << 16 | Int(quirks[offset + 2]) << 8 | Int(quirks[offset + 3])) }
        let quirkLength = Int(quirks[offset]) << 24 | Int(quirks[offset + 1]) << 16 | Int(quirks[offset + 2]) << 8 | Int(quirks[offset + 3])
        try Data(quirks[(offset + 4)..<(offset + 4 + quirkLength)]).write(to: frame)
        let quirky = try JSONSerialization.jsonObject(with: Data(try BreakwaterBinary.run(["inspect", "frame", frame.path]).stdout.utf8)) as? [String: Any]
        #expect(quirky?["envelope"] as? String == "ok")
        #expect(quirky?["warnings"] as? [String] == ["blobs-absent"])
        let garbage = folder.appendingPathComponent("garbage.bin")
        try Data([0xa2, 0x61, 0x74]).write(to: garbage)
        let refused = try BreakwaterBinary.run(["inspect", "frame", garbage.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("error: malformed-frame: "))
    }
}
