import FirehoseIngest
import ATCrypto
import ATIdentity
import FirehoseSync
import FirehoseSynth
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
            let keys = try StaticIdentityDirectory(path: folder.appendingPathComponent("identities.json").path)
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

    static let synthCases: [(seed: UInt64, curves: [Curve], faults: Double, quirks: Double)] = [
        (1, [.k256], 0, 0), (2, [.p256], 0, 0), (6, [.k256, .p256], 0.3, 0), (8, [.k256, .p256], 0.15, 0.3), (9, [.k256, .p256], 0.25, 0),
    ]

    /// Synthetic recordings with every kind of fault and quirk: the core alone gives each event the outcome the
    /// generator labelled it with.
    @Test("a synth recording through the core alone gives its labelled outcomes", arguments: 0..<synthCases.count)
    func synthRecordingMatchesItsLabels(_ index: Int) async throws {
        let (seed, curves, faults, quirks) = Self.synthCases[index]
        var configuration = SynthConfiguration(repos: 25, commits: 600, seed: seed, curves: curves, faultRate: faults)
        configuration.quirkRate = quirks
        var frames: [[UInt8]] = []
        var expected: [OutcomeLine] = []
        var generator = SynthGenerator(configuration: configuration) { event in
            frames.append(event.frame)
            expected.append(event.expected)
        }
        try generator.run()
        let keys = try StaticIdentityDirectory(data: try generator.identitiesJSON())
        var harness = ScenarioHarness(policy: .strict)
        let lines = await harness.run(frames, time: Self.wallClock) { did, seq, fresh in
            await keys.signingKey(for: did, seq: seq, fresh: fresh)
        }
        #expect(lines.count == expected.count)
        var mismatches = 0
        for (got, want) in zip(lines, expected) where !(got.index == want.index && got.seq == want.seq && got.type == want.type
            && got.did == want.did && got.rev == want.rev && got.outcome == want.outcome && got.reason == want.reason
            && got.warnings == want.warnings) {
            mismatches += 1
            if mismatches <= 5 { Issue.record("frame \(got.index): got \(got.json), expected \(want.json)") }
        }
        #expect(mismatches == 0)
        print("pure synth seed \(seed): \(lines.count) events compared with their labels")
    }
}
