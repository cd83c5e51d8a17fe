import FirehoseTesting
import Foundation
import Testing

/// Options that name a place also read an environment variable (Docs/CONTRACT.md §1); an explicit option wins.
@Suite("options read the environment")
struct EnvironmentVariableTests {
    static let source = Vectors.projectRoot.appendingPathComponent("Replays/indigo-post-lifecycle")
    static var sourceIdentities: String { source.appendingPathComponent("identities.json").path }

    /// A folder holding the source's frames.bin and no identities.json.
    static func framesOnly() throws -> URL {
        let folder = try CommandLineTests.temporaryFolder()
        try FileManager.default.copyItem(at: source.appendingPathComponent("frames.bin"), to: folder.appendingPathComponent("frames.bin"))
        return folder
    }

    static func outcomes(_ result: BreakwaterBinary.Result) throws -> [String: Int] {
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return summary?["outcomes"] as? [String: Int] ?? [:]
    }

    @Test func replayTakesTheIdentitiesFileFromBreakwaterIdentities() throws {
        let folder = try Self.framesOnly()
        defer { try? FileManager.default.removeItem(at: folder) }
        let without = try BreakwaterBinary.run(["replay", folder.path, "--json"])
        #expect(without.status == 0, "\(without.stderr)")
        #expect(try Self.outcomes(without) == ["unverifiable": 6])
        let with = try BreakwaterBinary.run(["replay", folder.path, "--json"], environment: ["BREAKWATER_IDENTITIES": Self.sourceIdentities])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(try Self.outcomes(with) == ["verified": 6])
    }

    @Test func anIdentitiesOptionWinsOverBreakwaterIdentities() throws {
        let folder = try Self.framesOnly()
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["BREAKWATER_IDENTITIES": folder.appendingPathComponent("missing.json").path]
        // A file named by the environment must exist, as one named by the option must.
        let missing = try BreakwaterBinary.run(["replay", folder.path, "--json"], environment: environment)
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: invalid-identities: "), "\(missing.stderr)")
        let explicit = try BreakwaterBinary.run(["replay", folder.path, "--json", "--identities", Self.sourceIdentities], environment: environment)
        #expect(explicit.status == 0, "\(explicit.stderr)")
        #expect(try Self.outcomes(explicit) == ["verified": 6])
    }

    @Test func replayWritesOutcomeLinesToBreakwaterEvents() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let events = folder.appendingPathComponent("events.jsonl")
        let result = try BreakwaterBinary.run(["replay", Self.source.path], environment: ["BREAKWATER_EVENTS": events.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: events, encoding: .utf8).split(separator: "\n").count == 6)
    }

    @Test func synthWritesIntoBreakwaterOutAndAnOutOptionWins() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fromEnvironment = folder.appendingPathComponent("env"), fromOption = folder.appendingPathComponent("option")
        let arguments = ["synth", "--repos", "2", "--commits", "5"]
        let first = try BreakwaterBinary.run(arguments, environment: ["BREAKWATER_OUT": fromEnvironment.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: fromEnvironment.appendingPathComponent("frames.bin").path))
        #expect(FileManager.default.fileExists(atPath: fromEnvironment.appendingPathComponent("expected.jsonl").path))
        try FileManager.default.removeItem(at: fromEnvironment)
        let second = try BreakwaterBinary.run(arguments + ["--out", fromOption.path], environment: ["BREAKWATER_OUT": fromEnvironment.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(FileManager.default.fileExists(atPath: fromOption.appendingPathComponent("frames.bin").path))
        #expect(!FileManager.default.fileExists(atPath: fromEnvironment.path))
    }

    @Test func synthWithoutOutOrBreakwaterOutIsAUsageError() throws {
        let result = try BreakwaterBinary.run(["synth", "--repos", "2"], environment: ["BREAKWATER_OUT": ""])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--out"), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: breakwater synth"), "\(result.stderr)")
    }
}
