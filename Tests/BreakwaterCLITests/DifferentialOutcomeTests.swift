import Crypto
import FirehoseTesting
import Foundation
import Testing

/// A refactor changes no outcome line: every bundled recording and a set of synthetic recordings with faults and
/// quirks, replayed by the current build, print the same outcome lines (detail text included, compared by count and
/// SHA-256) as the reference build that wrote `Tests/Golden/outcomes.tsv` (`Scripts/make-golden-outcomes.sh`).
@Suite("differential outcomes against the reference build", .timeLimit(.minutes(10)))
struct DifferentialOutcomeTests {
    /// One row of the golden table.
    struct GoldenCase: CustomTestStringConvertible, Sendable {
        var name: String
        /// A folder under the project root, or `synth:` followed by synth arguments.
        var recording: String
        var replayArguments: [String]
        var lines: Int
        var sha256: String
        var testDescription: String { name }

        /// The recording's folder: the bundled one, or a synth recording generated into `scratch`.
        func recordingFolder(scratch: URL) throws -> String {
            guard recording.hasPrefix("synth:") else { return Vectors.projectRoot.appendingPathComponent(recording).path }
            let arguments = recording.dropFirst("synth:".count).split(separator: " ").map(String.init)
            let synth = try BreakwaterBinary.run(["synth", "--out", scratch.appendingPathComponent("rec").path, "--progress", "0"] + arguments)
            try #require(synth.status == 0, "synth failed: \(synth.stderr)")
            return scratch.appendingPathComponent("rec").path
        }
    }

    static let cases: [GoldenCase] = {
        let url = Vectors.projectRoot.appendingPathComponent("Tests/Golden/outcomes.tsv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { row in
            guard !row.hasPrefix("#") else { return nil }
            let fields = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5, let lines = Int(fields[3]) else { return nil }
            return GoldenCase(name: fields[0], recording: fields[1], replayArguments: fields[2].split(separator: " ").map(String.init),
                              lines: lines, sha256: fields[4])
        }
    }()

    @Test func theGoldenTableCoversEveryBundledRecording() throws {
        let replays = Vectors.projectRoot.appendingPathComponent("Replays")
        let folders = try FileManager.default.contentsOfDirectory(atPath: replays.path).filter {
            FileManager.default.fileExists(atPath: replays.appendingPathComponent("\($0)/frames.bin").path)
        }
        let covered = Set(Self.cases.map(\.recording))
        for folder in folders { #expect(covered.contains("Replays/\(folder)"), "Replays/\(folder) has no golden row") }
        #expect(Self.cases.contains { $0.recording.hasPrefix("synth:") })
        print("differential outcomes: \(Self.cases.count) golden cases over \(folders.count) bundled recordings")
    }

    @Test(arguments: cases)
    func replayPrintsTheReferenceOutcomeLines(_ golden: GoldenCase) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bw-golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = try golden.recordingFolder(scratch: scratch)
        let events = scratch.appendingPathComponent("events.jsonl")
        let replay = try BreakwaterBinary.run(["replay", folder, "--events", events.path] + golden.replayArguments)
        try #require(replay.status == 0, "replay failed: \(replay.stderr)")
        let data = try Data(contentsOf: events)
        let lines = data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        #expect(lines == golden.lines, "\(golden.name): \(lines) outcome lines, the reference printed \(golden.lines)")
        #expect(digest == golden.sha256,
                "\(golden.name): the outcome lines differ from the reference build (regenerate the reference lines at the reference commit with Scripts/make-golden-outcomes.sh and diff)")
    }
}
