import BreakwaterNet
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// A 3,200-commit recording made with `breakwater synth` (labelled faults included), kept in the temporary folder
/// under a name derived from the generator's sources, and the state a `replay` of it leaves.
struct FaultMixRecording: Sendable {
    let folder: URL
    let frames: Int
    let lastSeq: Int64
    /// The database a `replay` of the recording left.
    let replayed: String

    static let arguments = ["--repos", "60", "--commits", "3200", "--seed", "1616", "--faults", "0.02", "--largest-tree", "60"]

    static let shared: Result<FaultMixRecording, BreakwaterProcess.Failure> =
        CachedSynthRecording.make(prefix: "synth3k", arguments: arguments).flatMap { recording in
            let replayed = TemporaryDatabase().path
            guard let replay = try? BreakwaterBinary.run(["replay", recording.folder.path, "--db", replayed, "--workers", "2"]),
                  replay.status == 0 else {
                return .failure(.init(description: "replay failed"))
            }
            return .success(FaultMixRecording(folder: recording.folder, frames: recording.frames, lastSeq: recording.lastSeq,
                                              replayed: replayed))
        }

    var identities: String { folder.appendingPathComponent("identities.json").path }
    var expected: URL { folder.appendingPathComponent("expected.jsonl") }
}

/// The peak resident set (VmHWM, kB) of a running process, read from /proc; nil once it has exited.
func peakResidentKilobytes(_ pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
}

/// `breakwater consume` through a fault-injecting proxy (``FaultProxy``) to `breakwater serve`, under several fault
/// mixes. Each run must process every seq exactly once with the outcomes of expected.jsonl, end in the
/// state a `replay` leaves, store the last seq as its cursor, and keep its memory bounded.
@Suite("Fault mixes", .serialized, .timeLimit(.minutes(3)))
struct FaultMixTests {
    /// Peak RSS allowed for `consume` (a debug build; about 60 MB in release over 100,000 commits).
    static let memoryBoundKilobytes = 400_000

    static let mixes: [FaultMix] = [
        FaultMix(name: "resets and half-open connections", seed: 16_001, endings: [.reset, .halfOpen, .reset],
                 bytesBeforeEnding: 150_000...700_000, maxEndings: 6, latencyMilliseconds: 0...2),
        FaultMix(name: "stalls, pauses and single bytes", seed: 16_002, endings: [.stall], bytesBeforeEnding: 1_000_000...3_000_000,
                 maxEndings: 3, pauseEvery: 400_000...900_000, pauseMilliseconds: 100...500, singleBytesEvery: 500_000...1_000_000,
                 singleBytesWindow: 3_000, splitRequest: true),
        FaultMix(name: "bandwidth cap, latency and resets", seed: 16_003, endings: [.reset], bytesBeforeEnding: 300_000...900_000,
                 maxEndings: 4, bandwidth: 1_500_000, latencyMilliseconds: 1...6),
        FaultMix(name: "everything at once", seed: 16_004, endings: FaultMix.Ending.allCases, bytesBeforeEnding: 1_000_000...2_500_000,
                 maxEndings: 4, pauseEvery: 700_000...1_500_000, pauseMilliseconds: 50...400, singleBytesEvery: 900_000...2_000_000,
                 singleBytesWindow: 2_000, splitRequest: true, bandwidth: 4_000_000, latencyMilliseconds: 0...3),
    ]

    @Test(arguments: 0..<mixes.count)
    func everySeqIsProcessedExactlyOnceAndTheStateEqualsTheReplayUnderFaults(mixNumber: Int) async throws {
        let mix = Self.mixes[mixNumber]
        let recording = try FaultMixRecording.shared.get()
        #expect(recording.frames >= 3_000)
        let database = TemporaryDatabase().path
        let events = BreakwaterProcess.temporaryFile("events")
        let stderr = BreakwaterProcess.temporaryFile("stderr")
        defer {
            TemporaryDatabase.remove(database)
            try? FileManager.default.removeItem(at: events)
            try? FileManager.default.removeItem(at: stderr)
        }
        let server = try await BreakwaterProcess.serve(recording.folder, ["--ping-interval", "0.3"])
        defer { server.stop() }
        let serverPort = try #require(URL(string: server.plc)?.port)
        let proxy = try FaultProxy(targetPort: serverPort, mix: mix)
        defer { proxy.stop() }
        let started = ContinuousClock.now
        let consume = try BreakwaterBinary.start([
            "consume", "--relay", proxy.proxied(server.url), "--plc", server.plc, "--identities", recording.identities, "--db", database,
            "--events", events.path, "--max-events", "\(recording.frames)", "--workers", "2", "--progress", "0",
            "--read-timeout", "1.5", "--max-retries", "20", "--resync-concurrency", "0",
        ], stderr: stderr)
        var peak = 0
        for _ in 0..<(150 * 10) where consume.isRunning {
            if let kilobytes = peakResidentKilobytes(consume.processIdentifier) { peak = max(peak, kilobytes) }
            try await Task.sleep(for: .milliseconds(100))
        }
        let status = try await BreakwaterProcess.wait(consume, seconds: 1)
        let elapsed = ContinuousClock.now - started
        let statistics = proxy.statistics
        let log = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(log.suffix(2_000))")

        let expected = try ExpectedOutcomes.load(recording.expected)
        let got = try ExpectedOutcomes.load(events)
        #expect(got.map(\.index) == Array(0..<got.count), "no gap, no duplicate")
        #expect(got.count == expected.count)
        let agreeing = zip(got, expected).filter { $0.description == $1.description }.count
        #expect(agreeing == expected.count,
                "first difference at line \(Array(zip(got, expected)).firstIndex { $0.description != $1.description } ?? min(got.count, expected.count))")
        #expect(try SQLiteStateStore(path: database).cursor(upstream: try RelayURL(proxy.proxied(server.url)).description) == recording.lastSeq)
        let live = try BreakwaterProcess.accounts(database: database, identities: recording.identities)
        let replayed = try BreakwaterProcess.accounts(database: recording.replayed, identities: recording.identities)
        #expect(live.count > 50)
        #expect(live == replayed, "final account state equals the replay's")
        #expect(peak > 0 && peak < Self.memoryBoundKilobytes, "peak RSS \(peak) kB")
        #expect(statistics.faults >= 3, "\(statistics)")
        #expect(statistics.connections >= 2 || mix.endings.isEmpty)
        let reconnects = log.components(separatedBy: "reconnecting").count - 1
        // One line per mix for RELIABILITY.md.
        print("fault-mix: \(mix.name): \(got.count) frames, \(agreeing)/\(expected.count) outcomes as expected, \(statistics), "
              + "\(reconnects) reconnects, peak RSS \(peak / 1024) MB, \(elapsed)")
    }
}
