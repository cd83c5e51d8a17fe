import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// Replays every scenario under `Replays/` through the real pipeline and a real SQLite file, and compares
/// every outcome line with the scenario's `expected.jsonl` (Docs/CONTRACT.md §4).
@Suite("Replays/ scenarios")
struct ScenarioReplayTests {
    static let replays = Vectors.projectRoot.appendingPathComponent("Replays")

    static func scenarios() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: replays.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: replays.appendingPathComponent("\($0)/expected.jsonl").path) }.sorted()
    }

    @Test func everyScenarioIsCounted() {
        let names = Self.scenarios()
        print("scenarios: Replays/: \(names.count) with expected.jsonl")
        #expect(names.count >= 7)
    }

    @Test("replaying gives exactly expected.jsonl", arguments: scenarios())
    func replayMatchesExpected(_ name: String) async throws {
        let folder = Self.replays.appendingPathComponent(name)
        let expected = try ExpectedOutcomes.load(folder.appendingPathComponent("expected.jsonl"))
        let policy = try ExpectedOutcomes.policy(folder)
        let lines = try await ReplayHarness.replay(folder: folder, policy: policy, workers: 2)
        #expect(lines.count == expected.count, "\(name): \(lines.count) lines, expected \(expected.count)")
        for (line, want) in zip(lines, expected) {
            #expect(want.matches(line), "\(name) frame \(line.index): got \(line.json), expected \(want)")
        }
        print("scenario \(name): \(lines.count) frames compared")
    }
}

@Suite("Replay continuation")
struct ReplayContinuationTests {
    @Test func aSecondReplayOfAnotherRecordingContinuesFromTheStoredState() async throws {
        // post_lifecycle's first commit, then rev_ordering (which starts with the same commit): on the shared
        // database the repeated commit is stale.
        let database = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(database) }
        let first = try await ReplayHarness.replay(folder: ScenarioReplayTests.replays.appendingPathComponent("indigo-post-lifecycle"),
                                                   policy: .strict, workers: 1, database: database)
        #expect(first.allSatisfy { $0.outcome == .verified })
        let second = try await ReplayHarness.replay(folder: ScenarioReplayTests.replays.appendingPathComponent("indigo-rev-ordering"),
                                                    policy: .strict, workers: 1, database: database)
        #expect(second.first?.outcome == .ignored)
        #expect(second.first?.reason == .staleRev)
    }
}
