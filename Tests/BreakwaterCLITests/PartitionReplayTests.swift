import Crypto
import FirehoseTesting
import Foundation
import Testing

/// Partitions split the work and change no outcome (Docs/CONTRACT.md, "Partitions"): the outcome lines of
/// `replay --partition K/N` for every K, each into its own SQLite database, are together exactly the reference lines
/// of one unpartitioned replay (`Tests/Golden/outcomes.tsv`: count and SHA-256 once put back in frame order), and
/// no frame is reported by two partitions.
@Suite("replay partitions against the reference build", .timeLimit(.minutes(10)))
struct PartitionReplayTests {
    /// Every bundled recording, and one synthetic recording with faults split three ways.
    static let cases: [(DifferentialOutcomeTests.GoldenCase, Int)] =
        DifferentialOutcomeTests.cases.filter { !$0.recording.hasPrefix("synth:") }.map { ($0, 2) }
        + DifferentialOutcomeTests.cases.filter { $0.name == "synth1-strict" }.map { ($0, 3) }

    /// The frame index an outcome line starts with (`{"i": N, …`).
    static func index(_ line: Substring) -> Int {
        Int(line.dropFirst("{\"i\": ".count).prefix { $0.isNumber }) ?? -1
    }

    @Test(arguments: cases)
    func thePartitionsTogetherPrintTheReferenceOutcomeLines(_ golden: DifferentialOutcomeTests.GoldenCase, _ count: Int) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bw-partitions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = try golden.recordingFolder(scratch: scratch)
        var lines: [Substring] = []
        for partition in 0..<count {
            let events = scratch.appendingPathComponent("events-\(partition).jsonl")
            let database = scratch.appendingPathComponent("p\(partition).sqlite")
            let replay = try BreakwaterBinary.run(["replay", folder, "--events", events.path, "--db", database.path,
                                                   "--partition", "\(partition)/\(count)"] + golden.replayArguments)
            try #require(replay.status == 0, "replay --partition \(partition)/\(count) failed: \(replay.stderr)")
            let text = try String(contentsOf: events, encoding: .utf8)
            lines += text.split(separator: "\n")
        }
        let indices = lines.map(Self.index)
        #expect(Set(indices).count == indices.count, "\(golden.name): a frame was reported by two partitions")
        let merged = lines.sorted { Self.index($0) < Self.index($1) }.map { $0 + "\n" }.joined()
        let digest = SHA256.hash(data: Data(merged.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(lines.count == golden.lines, "\(golden.name): \(lines.count) lines over \(count) partitions, the reference printed \(golden.lines)")
        #expect(digest == golden.sha256, "\(golden.name): the partitions' outcome lines differ from the reference")
    }
}
