import FirehoseIngest
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// `record` into a folder that already holds a recording resumes after its last seq instead of appending the
/// frames already there again, and `--progress` prints progress lines.
@Suite("record resumes", .serialized, .timeLimit(.minutes(2)))
struct RecordResumeTests {
    /// The seqs of the frames of `frames.bin` in `folder`.
    static func seqs(_ folder: URL) throws -> [Int64?] {
        var decoder = RecordingDecoder()
        decoder.append(try Data(contentsOf: folder.appendingPathComponent("frames.bin")))
        var seqs: [Int64?] = []
        while let frame = try decoder.next() { seqs.append(try? Frame(decoding: frame).seq) }
        return seqs
    }

    @Test func recordIntoAnExistingRecordingResumesAfterItsLastSeq() async throws {
        let recording = SynthRecording.faulty
        let out = BreakwaterProcess.temporaryFile("record-resume")
        defer { try? FileManager.default.removeItem(at: out) }
        let server = try await BreakwaterProcess.serve(recording.folder)
        defer { server.stop() }
        let arguments = ["record", "--relay", server.url, "--identities", recording.location.identities.path, "--out", out.path,
                         "--max-events", "10", "--progress", "0"]
        let first = try BreakwaterBinary.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        let firstSeqs = try Self.seqs(out)
        #expect(firstSeqs.count == 10)
        let last = try #require(firstSeqs.compactMap { $0 }.max())

        let second = try BreakwaterBinary.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("holds 10 frames up to seq \(last); resuming after seq \(last)"), "\(second.stderr)")
        // (The recording has faults: a malformed frame has no seq.)
        #expect(try Self.seqs(out).count == 20)
        let seqs = try Self.seqs(out).compactMap { $0 }
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "a frame was recorded twice: \(seqs)")
        #expect(seqs.first == firstSeqs.first ?? nil)

        // A frames.bin cut inside a frame (a crash) is trimmed back to its last complete frame, then continued.
        let handle = try FileHandle(forWritingTo: out.appendingPathComponent("frames.bin"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0, 0, 1, 0, 0xa2]))
        try handle.close()
        let third = try BreakwaterBinary.run(arguments)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stderr.contains("trimmed 5 bytes"), "\(third.stderr)")
        #expect(try Self.seqs(out).count == 30)
        let after = try Self.seqs(out).compactMap { $0 }
        #expect(after == after.sorted() && Set(after).count == after.count, "\(after) \(third.stderr)")
    }

    @Test func recordPrintsAProgressLineEveryProgressSeconds() async throws {
        let recording = SynthRecording.faulty
        let out = BreakwaterProcess.temporaryFile("record-progress")
        defer { try? FileManager.default.removeItem(at: out) }
        let server = try await BreakwaterProcess.serve(recording.folder)
        defer { server.stop() }
        // The server keeps the connection open after the recording: the run lasts the whole duration.
        let result = try BreakwaterBinary.run(["record", "--relay", server.url, "--identities", recording.location.identities.path,
                                               "--out", out.path, "--duration", "2", "--progress", "0.5"])
        #expect(result.status == 0, "\(result.stderr)")
        let progress = result.stderr.split(separator: "\n").filter { $0.hasPrefix("record: ") && $0.contains(" events, ") }
        #expect(progress.count >= 2, "\(result.stderr)")
        // Counts are grouped by thousands for people (`1,234 events`).
        let digits = String(recording.frames.count)
        let grouped = digits.enumerated().map { offset, digit in
            (offset > 0 && (digits.count - offset) % 3 == 0 ? "," : "") + String(digit)
        }.joined()
        #expect(progress.last?.contains("\(grouped) events") == true, "\(result.stderr)")
    }
}
