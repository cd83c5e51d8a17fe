import ATIdentity
import ATCrypto
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseSynth
import Foundation
import Synchronization
import Testing

/// `synth` is deterministic and self-consistent: replaying what it writes gives exactly its expected.jsonl.
@Suite("Synthetic traffic")
struct SynthTests {
    struct Output {
        var frames: [[UInt8]] = []
        var expected: [OutcomeLine] = []
        var identities = Data()
        var repos: [(did: String, car: [UInt8])] = []
    }

    static func generate(_ configuration: SynthConfiguration) throws -> Output {
        var output = Output()
        var generator = SynthGenerator(configuration: configuration) { event in
            output.frames.append(event.frame)
            output.expected.append(event.expected)
        }
        try generator.run()
        output.identities = try generator.identitiesJSON()
        output.repos = try generator.repositoryCARs()
        return output
    }

    static func replay(_ output: Output, workers: Int) async throws -> [OutcomeLine] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(output.frames.flatMap { RecordingDecoder.encode(frame: $0) }).write(to: folder.appendingPathComponent("frames.bin"))
        try output.identities.write(to: folder.appendingPathComponent("identities.json"))
        let location = RecordingLocation(path: folder.path)
        let store = try SQLiteStateStore(path: folder.appendingPathComponent("state.sqlite").path)
        let lines = Mutex<[OutcomeLine]>([])
        let pipeline = VerificationPipeline(
            configuration: PipelineConfiguration(workers: workers, upstream: location.upstreamName,
                                                 now: { Int64(Date().timeIntervalSince1970 * 1_000_000) }),
            store: store, keys: try StaticIdentityDirectory(path: location.identities.path),
            onOutcome: { line in lines.withLock { $0.append(line) } })
        _ = try await pipeline.run(RecordingFrames(path: location.frames.path))
        return lines.withLock { $0 }
    }

    static func sameOutcome(_ a: OutcomeLine, _ b: OutcomeLine) -> Bool {
        a.index == b.index && a.seq == b.seq && a.type == b.type && a.did == b.did && a.rev == b.rev
            && a.outcome == b.outcome && a.reason == b.reason && a.warnings == b.warnings
    }

    @Test func theSameSeedGivesByteIdenticalOutput() throws {
        let configuration = SynthConfiguration(repos: 30, commits: 400, seed: 11, faultRate: 0.1)
        let first = try Self.generate(configuration)
        let second = try Self.generate(configuration)
        #expect(first.frames == second.frames)
        #expect(first.identities == second.identities)
        #expect(first.repos.map(\.car) == second.repos.map(\.car))
        #expect(first.expected == second.expected)
        let other = try Self.generate(SynthConfiguration(repos: 30, commits: 400, seed: 12, faultRate: 0.1))
        #expect(other.frames != first.frames)
    }

    static let cases: [(seed: UInt64, curves: [Curve], faults: Double, quirks: Double)] = [
        (1, [.k256], 0, 0), (2, [.p256], 0, 0), (3, [.k256, .p256], 0, 0),
        (4, [.k256], 0.15, 0), (5, [.p256], 0.15, 0), (6, [.k256, .p256], 0.3, 0),
        (7, [.k256, .p256], 0, 0.4), (8, [.k256, .p256], 0.15, 0.3),
    ]

    @Test("replaying a synth recording gives exactly its expected.jsonl", arguments: 0..<cases.count)
    func replayMatchesExpected(_ index: Int) async throws {
        let (seed, curves, faults, quirks) = Self.cases[index]
        var configuration = SynthConfiguration(repos: 25, commits: 600, seed: seed, curves: curves, faultRate: faults)
        configuration.quirkRate = quirks
        let output = try Self.generate(configuration)
        let lines = try await Self.replay(output, workers: 2)
        #expect(lines.count == output.expected.count)
        var mismatches = 0
        for (got, want) in zip(lines, output.expected) where !Self.sameOutcome(got, want) {
            mismatches += 1
            if mismatches <= 5 { Issue.record("frame \(got.index): got \(got.json), expected \(want.json)") }
        }
        #expect(mismatches == 0)
        if faults > 0 {
            let reasons = Set(output.expected.compactMap(\.reason))
            print("synth seed \(seed) curves \(curves) faults \(faults): \(output.expected.count) events, \(reasons.count) reasons")
        }
    }

    @Test func everyReasonCodeCanBeInjected() throws {
        let output = try Self.generate(SynthConfiguration(repos: 20, commits: 500, seed: 9, faultRate: 0.25))
        let reasons = Set(output.expected.compactMap(\.reason))
        let missing = Set(Reason.allCases).subtracting(reasons)
        #expect(missing.isEmpty, "faults never produced: \(missing.map(\.rawValue).sorted())")
    }

    @Test func everyQuirkKindIsProducedOnAVerifiedCommit() throws {
        var configuration = SynthConfiguration(repos: 12, commits: 400, seed: 9)
        configuration.quirkRate = 0.5
        let output = try Self.generate(configuration)
        let produced = Set(output.expected.flatMap(\.warnings))
        let missing = Set(QuirkKind.allCases).subtracting(produced)
        #expect(missing.isEmpty, "quirks never produced: \(missing.map(\.rawValue).sorted())")
        for line in output.expected where !line.warnings.isEmpty {
            #expect(line.outcome == .verified && line.type == .commit, "\(line.json)")
        }
        var perKind: [String: Int] = [:]
        for warning in output.expected.flatMap(\.warnings) { perKind[warning.rawValue, default: 0] += 1 }
        print("synth quirks: \(perKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
    }

    @Test func finalRepositoriesImportToTheLastCommittedRoot() throws {
        let output = try Self.generate(SynthConfiguration(repos: 12, commits: 300, seed: 21))
        #expect(output.repos.count == 12)
        for (_, car) in output.repos {
            let file = try IPLDCARCheck.parse(car)
            #expect(file.blocks > 1)
        }
    }
}
