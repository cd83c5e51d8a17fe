import BreakwaterNet
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// A full disk: the database, or the recording, on a small tmpfs that fills up mid-stream. `replay`,
/// `consume` and `record` stop with `error: disk-full` (exit 1); the database stays consistent (it opens, which runs
/// SQLite's quick check) with a cursor that matches the outcome lines written; after the space is freed a restart
/// resumes with no gap and no repeat, and ends in the state of an uninterrupted replay. A recording cut by a full
/// disk ends with its last whole frame.
@Suite("Full disk", .serialized, .timeLimit(.minutes(3)), .enabled(if: SmallDisk.unavailableReason == nil, "\(SmallDisk.unavailableReason ?? "")"))
struct DiskFullTests {
    /// Outcome lines without their index (which `consume` numbers from 0 in each run).
    static func essentials(_ line: ExpectedOutcome) -> String {
        [line.seq.map(String.init) ?? "-", line.type, line.did ?? "-", line.rev ?? "-", line.outcome, line.reason ?? "-"]
            .joined(separator: " ")
    }

    static func frames(of data: Data) throws -> [[UInt8]] {
        var decoder = RecordingDecoder()
        decoder.append(data)
        var frames: [[UInt8]] = []
        while let frame = try decoder.next() { frames.append(frame) }
        return frames
    }

    @Test func replayStopsWithDiskFullKeepsAConsistentDatabaseAndResumesWithNoGapAndNoRepeat() async throws {
        let recording = try FaultMixRecording.shared.get()
        let disk = try SmallDisk(kilobytes: 4_096)
        defer { disk.unmount() }
        let database = disk.folder.appendingPathComponent("state.sqlite").path
        let first = BreakwaterProcess.temporaryFile("events1"), second = BreakwaterProcess.temporaryFile("events2")
        defer { for file in [first, second] { try? FileManager.default.removeItem(at: file) } }
        // Room for the new database and its first 1,000-event batch (about 340 KB with the current schema), not for
        // the whole stream (about 1 MB): the disk fills mid-stream.
        try disk.fill(leaving: 400_000)

        let full = try BreakwaterBinary.run(["replay", recording.folder.path, "--db", database, "--events", first.path, "--workers", "2"])
        #expect(full.status == 1)
        #expect(full.stderr.hasPrefix("error: disk-full: "), "\(full.stderr.suffix(500))")
        let before = try ExpectedOutcomes.load(first)
        #expect(before.count > 0 && before.count < recording.frames, "the disk filled mid-stream: \(before.count) lines")
        #expect(before.map(\.index) == Array(0..<before.count))
        // The stored cursor is the last frame whose line was written: the lines are exactly the durable state.
        let upstream = "file:" + recording.folder.appendingPathComponent("frames.bin").path
        #expect(try SQLiteStateStore(path: database).cursor(upstream: upstream) == Int64(before.count - 1))

        disk.free()
        let resumed = try BreakwaterBinary.run(["replay", recording.folder.path, "--db", database, "--events", second.path, "--workers", "2"])
        #expect(resumed.status == 0, "\(resumed.stderr.suffix(500))")
        let after = try ExpectedOutcomes.load(second)
        #expect((before + after).map(\.index) == Array(0..<recording.frames), "no gap, no repeat")
        let expected = try ExpectedOutcomes.load(recording.expected)
        #expect((before + after).map(\.description) == expected.map(\.description))
        #expect(try BreakwaterProcess.accounts(database: database, identities: recording.identities)
                == BreakwaterProcess.accounts(database: recording.replayed, identities: recording.identities))
        print("disk-full: replay stopped after \(before.count) of \(recording.frames) frames; resumed with \(after.count)")
    }

    @Test func consumeStopsWithDiskFullKeepsTheCursorOfTheDurableStateAndResumesWithNoGapAndNoRepeat() async throws {
        let recording = try FaultMixRecording.shared.get()
        let disk = try SmallDisk(kilobytes: 4_096)
        defer { disk.unmount() }
        let database = disk.folder.appendingPathComponent("state.sqlite").path
        let first = BreakwaterProcess.temporaryFile("events1"), second = BreakwaterProcess.temporaryFile("events2")
        defer { for file in [first, second] { try? FileManager.default.removeItem(at: file) } }
        let server = try await BreakwaterProcess.serve(recording.folder)
        defer { server.stop() }
        func consume(events: URL, maxEvents: Int) throws -> BreakwaterBinary.Result {
            try BreakwaterBinary.run([
                "consume", "--relay", server.url, "--plc", server.plc, "--identities", recording.identities, "--db", database,
                "--events", events.path, "--max-events", "\(maxEvents)", "--workers", "2", "--progress", "0", "--resync-concurrency", "0",
            ])
        }
        try disk.fill(leaving: 320_000)

        let full = try consume(events: first, maxEvents: recording.frames)
        #expect(full.status == 1)
        #expect(full.stderr.split(separator: "\n").last?.hasPrefix("error: disk-full: ") == true, "\(full.stderr.suffix(500))")
        let before = try ExpectedOutcomes.load(first)
        #expect(before.count > 0 && before.count < recording.frames, "the disk filled mid-stream: \(before.count) lines")
        let cursor = try SQLiteStateStore(path: database).cursor(upstream: try RelayURL(server.url).description)
        #expect(cursor != nil && cursor == before.last?.seq, "the cursor is the seq of the last line written")

        disk.free()
        let resumed = try consume(events: second, maxEvents: recording.frames - before.count)
        #expect(resumed.status == 0, "\(resumed.stderr.suffix(500))")
        let after = try ExpectedOutcomes.load(second)
        let expected = try ExpectedOutcomes.load(recording.expected)
        let got = (before + after).map(Self.essentials)
        #expect(got.count == expected.count, "no gap, no repeat")
        #expect(got == expected.map(Self.essentials))
        #expect(try SQLiteStateStore(path: database).cursor(upstream: try RelayURL(server.url).description) == recording.lastSeq)
        #expect(try BreakwaterProcess.accounts(database: database, identities: recording.identities)
                == BreakwaterProcess.accounts(database: recording.replayed, identities: recording.identities))
        print("disk-full: consume stopped after \(before.count) of \(recording.frames) frames (cursor \(cursor.map(String.init) ?? "-")); "
              + "resumed with \(after.count)")
    }

    @Test func recordStopsWithDiskFullItsFramesStayAValidRecordingAndARestartFromTheLastSeqCompletesIt() async throws {
        let recording = try FaultMixRecording.shared.get()
        let disk = try SmallDisk(kilobytes: 16_384)
        defer { disk.unmount() }
        let out = disk.folder.appendingPathComponent("rec")
        let server = try await BreakwaterProcess.serve(recording.folder)
        defer { server.stop() }
        try disk.fill(leaving: 2_000_000)

        let full = try BreakwaterBinary.run(["record", "--relay", server.url, "--plc", server.plc, "--identities", recording.identities,
                                             "--out", out.path, "--max-events", "\(recording.frames)", "--progress", "0"])
        #expect(full.status == 1)
        #expect(full.stderr.split(separator: "\n").last?.hasPrefix("error: disk-full: ") == true, "\(full.stderr.suffix(500))")
        let source = try Data(contentsOf: recording.folder.appendingPathComponent("frames.bin"))
        let written = try Data(contentsOf: out.appendingPathComponent("frames.bin"))
        let frames = try Self.frames(of: written)  // throws on a cut frame
        #expect(frames.count > 0 && frames.count < recording.frames)
        #expect(source.starts(with: written), "the frames exactly as served, up to the last whole one")

        disk.free()
        let lastSeq = try #require(frames.compactMap { FramePeek($0).seq }.max())
        let resumed = try BreakwaterBinary.run(["record", "--relay", server.url, "--plc", server.plc, "--identities", recording.identities,
                                                "--out", out.path, "--cursor", "\(lastSeq)",
                                                "--max-events", "\(recording.frames - frames.count)", "--progress", "0"])
        #expect(resumed.status == 0, "\(resumed.stderr.suffix(500))")
        #expect(try Data(contentsOf: out.appendingPathComponent("frames.bin")) == source, "no gap, no repeat")
        print("disk-full: record stopped after \(frames.count) of \(recording.frames) frames (\(written.count) bytes); completed from --cursor \(lastSeq)")
    }

    @Test func consumeWithRecordStopsWithDiskFullAndItsRecordingStaysValid() async throws {
        let recording = try FaultMixRecording.shared.get()
        let disk = try SmallDisk(kilobytes: 16_384)
        defer { disk.unmount() }
        let out = disk.folder.appendingPathComponent("rec")
        let database = BreakwaterProcess.temporaryFile("db").path
        defer { TemporaryDatabase.remove(database) }
        let server = try await BreakwaterProcess.serve(recording.folder)
        defer { server.stop() }
        try disk.fill(leaving: 2_500_000)

        let full = try BreakwaterBinary.run(["consume", "--relay", server.url, "--plc", server.plc, "--identities", recording.identities,
                                             "--db", database, "--record", out.path, "--max-events", "\(recording.frames)",
                                             "--workers", "2", "--progress", "0", "--resync-concurrency", "0"])
        #expect(full.status == 1)
        #expect(full.stderr.split(separator: "\n").last?.hasPrefix("error: disk-full: ") == true, "\(full.stderr.suffix(500))")
        let source = try Data(contentsOf: recording.folder.appendingPathComponent("frames.bin"))
        let written = try Data(contentsOf: out.appendingPathComponent("frames.bin"))
        let frames = try Self.frames(of: written)
        #expect(frames.count > 0 && frames.count < recording.frames)
        #expect(source.starts(with: written))
        // The database holds no event the recording lacks: its cursor is at most the recording's last seq.
        let cursor = try SQLiteStateStore(path: database).cursor(upstream: try RelayURL(server.url).description) ?? -1
        #expect(cursor > 0 && cursor <= frames.compactMap { FramePeek($0).seq }.max() ?? -1, "cursor \(cursor)")
        print("disk-full: consume --record stopped with \(frames.count) frames recorded, database cursor \(cursor)")
    }
}
