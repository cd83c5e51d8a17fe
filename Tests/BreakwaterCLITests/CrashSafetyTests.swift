import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import GRDB
import Testing

/// Crash safety, for real (Docs/CONTRACT.md §5): `breakwater replay --db` is killed with SIGKILL at random moments
/// and restarted; after every kill the cursor must not run ahead of the state, and the final database must
/// equal the one of an uninterrupted run.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    static func makeRecording() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var frames: [UInt8] = []
        var expected = ""
        var generator = SynthGenerator(
            configuration: SynthConfiguration(repos: 60, commits: 3500, seed: 2026, faultRate: 0.05)) { event in
            frames += recordingFrame(event.frame)
            expected += event.expected.json + "\n"
        }
        try generator.run()
        try Data(frames).write(to: folder.appendingPathComponent("frames.bin"))
        try Data(expected.utf8).write(to: folder.appendingPathComponent("expected.jsonl"))
        try generator.identitiesJSON().write(to: folder.appendingPathComponent("identities.json"))
        return folder
    }

    static func recordingFrame(_ frame: [UInt8]) -> [UInt8] {
        let n = UInt32(frame.count)
        return [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + frame
    }

    /// Everything in the database except bookkeeping times and row ids.
    static func snapshot(_ path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            var rows: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY did") { rows.append("account \(row)") }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM outcome_counts ORDER BY outcome, reason") { rows.append("count \(row)") }
            for row in try Row.fetchAll(db, sql: """
                SELECT frame_index, seq, type, did, rev, outcome, reason, detail, frame FROM violations ORDER BY frame_index
                """) { rows.append("violation \(row)") }
            for row in try Row.fetchAll(db, sql: "SELECT upstream, position FROM cursors ORDER BY upstream") { rows.append("cursor \(row)") }
            return rows
        }
    }

    /// The cursor and the number of outcomes recorded, read after a kill.
    static func progress(_ path: String) throws -> (cursor: Int64?, outcomes: Int, revs: [String: String]) {
        guard FileManager.default.fileExists(atPath: path) else { return (nil, 0, [:]) }
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            guard tables.contains("cursors") else { return (nil, 0, [:]) }
            let cursor = try Int64.fetchOne(db, sql: "SELECT position FROM cursors")
            let outcomes = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM outcome_counts") ?? 0
            var revs: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT did, rev FROM accounts WHERE rev IS NOT NULL") { revs[row["did"]] = row["rev"] }
            return (cursor, outcomes, revs)
        }
    }

    /// The rev each account must have once frames 0...cursor are applied, from expected.jsonl.
    static func expectedRevs(_ expected: [[String: Any]], through cursor: Int64) -> [String: String] {
        var revs: [String: String] = [:]
        for line in expected.prefix(Int(cursor) + 1) where (line["outcome"] as? String) == "verified" {
            if let did = line["did"] as? String, let rev = line["rev"] as? String { revs[did] = rev }
        }
        return revs
    }

    @Test(.timeLimit(.minutes(8)))
    func sigkillAtRandomMomentsNeverLosesOrRepeatsAnEvent() throws {
        let recording = try Self.makeRecording()
        defer { try? FileManager.default.removeItem(at: recording) }
        let expected = try String(contentsOf: recording.appendingPathComponent("expected.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        let reference = recording.appendingPathComponent("reference.sqlite").path
        let crashed = recording.appendingPathComponent("crashed.sqlite").path

        let started = Date()
        let full = try BreakwaterBinary.run(["replay", recording.path, "--db", reference, "--workers", "2", "--batch-size", "50", "--json"])
        // Kill delays scale with how long a whole run takes on this machine, so at least 20 kills land
        // mid-flight whether the machine is idle or loaded.
        let wholeRun = max(0.2, Date().timeIntervalSince(started))
        #expect(full.status == 0, "reference replay failed: \(full.stderr)")

        var rng = SplitMix64(seed: 99)
        var kills = 0
        var attempts = 0
        var lastCursor: Int64 = -1
        var anyBatchCommitted = false
        // Adaptive pacing: aim for each killed run to advance about 1/30 of the recording, so the kills land
        // at many different points whatever the machine's speed.
        var pace = 0.05 + wholeRun / 30
        let step = Int64(expected.count / 30)
        while kills < 20 && attempts < 80 {
            attempts += 1
            let process = try BreakwaterBinary.start(["replay", recording.path, "--db", crashed, "--workers", "2", "--batch-size", "50"])
            let delay = pace * (0.7 + 0.6 * Double(rng.below(1000)) / 1000)
            Thread.sleep(forTimeInterval: delay)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            let state = try Self.progress(crashed)
            if let cursor = state.cursor {
                anyBatchCommitted = true
                // Every event up to the cursor was counted exactly once, and nothing beyond it.
                #expect(state.outcomes == Int(cursor) + 1, "after kill \(kills): \(state.outcomes) outcomes for cursor \(cursor)")
                // The account states are exactly those after frames 0...cursor.
                #expect(state.revs == Self.expectedRevs(expected, through: cursor), "after kill \(kills): states differ from the prefix")
                #expect(cursor >= lastCursor, "the cursor went backwards")
                if cursor - lastCursor > step { pace *= 0.7 } else if cursor == lastCursor { pace *= 1.4 }
                lastCursor = cursor
            } else {
                pace *= 1.4
            }
            if !process.isRunning && process.terminationReason == .exit && process.terminationStatus == 0 && state.cursor == Int64(expected.count - 1) {
                // Finished before we could kill it: start over from an empty database, so that the remaining kills
                // land mid-flight too (a fast machine gets through the recording in fewer kills).
                for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: crashed + suffix) }
                lastCursor = -1
                pace = 0.05 + wholeRun / 30
            }
        }
        print("crash safety: \(kills) SIGKILLs in \(attempts) runs; cursor after the last kill \(lastCursor) of \(expected.count - 1)")
        #expect(anyBatchCommitted, "no killed run ever committed a batch: the kills tested nothing")
        #expect(kills >= 20, "only \(kills) runs were killed mid-flight")
        let finish = try BreakwaterBinary.run(["replay", recording.path, "--db", crashed, "--workers", "2", "--json"])
        #expect(finish.status == 0, "final replay failed: \(finish.stderr)")
        let got = try Self.snapshot(crashed), want = try Self.snapshot(reference)
        #expect(got.count == want.count)
        for (a, b) in zip(got, want) where a != b {
            Issue.record("differs: \(a.prefix(300)) vs \(b.prefix(300))")
            break
        }
    }
}
