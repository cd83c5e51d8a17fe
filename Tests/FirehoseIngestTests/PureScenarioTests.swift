import FirehoseIngest
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// Every `Replays/*` scenario through the verification core alone (``ScenarioHarness``: decoding, stream order and
/// the account machine over an in-memory store, no pipeline, no SQLite): the same outcome lines as `expected.jsonl`,
/// line for line. The pipeline adds concurrency and persistence; it must not change a verdict.
@Suite("Replays/ scenarios, pure")
struct PureScenarioTests {
    static let wallClock = VerificationTime(micros: Int64(Date().timeIntervalSince1970 * 1_000_000))

    @Test func everyScenarioRunsThroughTheAccountMachine() async throws {
        let names = ScenarioReplayTests.scenarios()
        var frames = 0
        for name in names {
            let folder = ScenarioReplayTests.replays.appendingPathComponent(name)
            let expected = try ExpectedOutcomes.load(folder.appendingPathComponent("expected.jsonl"))
            let keys = try IdentitiesFile.keyProvider(path: folder.appendingPathComponent("identities.json").path)
            var harness = ScenarioHarness(policy: try ExpectedOutcomes.policy(folder))
            let lines = await harness.run(try RecordedFrameFile.frames(at: folder.appendingPathComponent("frames.bin")), time: Self.wallClock) {
                did, seq, fresh in await keys.signingKey(for: did, seq: seq, fresh: fresh)
            }
            #expect(lines.count == expected.count, "\(name): \(lines.count) lines, expected \(expected.count)")
            for (line, want) in zip(lines, expected) {
                #expect(want.matches(line), "\(name) frame \(line.index): got \(line.json), expected \(want)")
            }
            frames += lines.count
        }
        print("pure scenarios: \(names.count) recordings, \(frames) frames compared with expected.jsonl")
        #expect(names.count >= 7)
    }
}
