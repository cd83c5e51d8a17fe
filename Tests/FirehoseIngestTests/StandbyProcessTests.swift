import BreakwaterNet
import FirehoseIngest
import FirehosePostgres
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// Active and standby `consume` processes on one PostgreSQL database (Docs/CONTRACT.md §6), against `breakwater serve`
/// on 127.0.0.1: a standby takes over a killed holder within the lease's expiry and ends with the state of a replay;
/// a paused holder that lost its lease ends with `lease-lost` and commits nothing more. The server is the one named by
/// `BREAKWATER_TEST_POSTGRES` (Scripts/test.sh starts one); without it the tests print a note and check nothing.
@Suite("Standby processes", .serialized, .timeLimit(.minutes(4)))
struct StandbyProcessTests {
    /// The lease's time to live in these tests: long enough for a loaded machine's heartbeat, short for the takeover.
    static let ttlSeconds = 3.0

    /// A fresh database on the test server, dropped afterwards; nil (with a note) without a server.
    static func withDatabase(_ test: String, _ body: (String) async throws -> Void) async throws {
        guard let url = ProcessInfo.processInfo.environment["BREAKWATER_TEST_POSTGRES"], !url.isEmpty else {
            print("note: \(test) skipped: BREAKWATER_TEST_POSTGRES is unset (Scripts/test.sh sets it)")
            return
        }
        let server = try PostgresAddress(parsing: url)
        let name = "bw_standby_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresAdministration.createDatabase(name, on: server)
        defer { try? PostgresAdministration.dropDatabase(name, on: server) }
        let base = url.split(separator: "?", maxSplits: 1)
        let query = base.count > 1 ? "?" + base[1] : ""
        let prefix = base[0][..<(base[0].lastIndex(of: "/") ?? base[0].endIndex)]
        try await body("\(prefix)/\(name)\(query)")
    }

    static func consume(_ server: BreakwaterProcess.Server, _ recording: SynthRecording, database: String, events: URL, stderr: URL,
                        standby: Bool) throws -> Process {
        try BreakwaterBinary.start([
            "consume", "--relay", server.url, "--plc", server.plc, "--identities", recording.location.identities.path, "--db", database,
            "--events", events.path, "--workers", "2", "--progress", "0", "--resync-concurrency", "0",
            "--lease-ttl", "\(Int(ttlSeconds * 1000))ms",
        ] + (standby ? ["--standby"] : []), stderr: stderr)
    }

    static func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
    static func lineCount(_ url: URL) -> Int { text(url).split(separator: "\n").count }

    /// Waits up to `seconds` for `condition`.
    static func waitFor(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    /// The accounts of a replay of `recording` into SQLite.
    static func replayedStates(_ recording: SynthRecording, scratch: URL) throws -> [String: AccountState] {
        let path = scratch.appendingPathComponent("replay.sqlite").path
        let replay = try BreakwaterBinary.run(["replay", recording.folder.path, "--db", path, "--workers", "2"])
        #expect(replay.status == 0, "replay failed: \(replay.stderr)")
        return try LiveTest.states(database: path, dids: try recording.dids())
    }

    @Test func aStandbyTakesOverAKilledHolderWithinTheExpiryAndEndsWithTheReplayState() async throws {
        try await Self.withDatabase("standby after SIGKILL") { database in
            let recording = SynthRecording.faulty
            let scratch = BreakwaterProcess.temporaryFile("standby-kill")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let server = try await BreakwaterProcess.serve(recording.folder, ["--rate", "250"])
            defer { server.stop() }
            let upstream = try RelayURL(server.url).description
            let store = try PostgresStateStore(url: database)
            let last = try #require(recording.seqs.compactMap { $0 }.max())

            let (activeEvents, activeErr) = (scratch.appendingPathComponent("a.jsonl"), scratch.appendingPathComponent("a.err"))
            let active = try Self.consume(server, recording, database: database, events: activeEvents, stderr: activeErr, standby: false)
            #expect(try await Self.waitFor(30) { Self.text(activeErr).contains("lease: holding") })
            let (standbyEvents, standbyErr) = (scratch.appendingPathComponent("b.jsonl"), scratch.appendingPathComponent("b.err"))
            let standby = try Self.consume(server, recording, database: database, events: standbyEvents, stderr: standbyErr, standby: true)
            defer { if standby.isRunning { standby.terminate() } }
            #expect(try await Self.waitFor(30) { Self.text(standbyErr).contains("waiting for it") })
            // Kill the holder once a good part of the stream is stored.
            #expect(try await Self.waitFor(60) { (try store.cursor(upstream: upstream) ?? 0) > last / 3 })
            kill(active.processIdentifier, SIGKILL)
            let killed = ContinuousClock.now
            active.waitUntilExit()
            #expect(try await Self.waitFor(Self.ttlSeconds * 4) { Self.text(standbyErr).contains("took over") })
            let takeover = ContinuousClock.now - killed
            // Expiry (one time to live at most) plus one poll period, with room for a loaded machine.
            #expect(takeover < .milliseconds(Int64(Self.ttlSeconds * 2_000)), "took over after \(takeover)")
            print("standby: took over \(takeover) after SIGKILL (time to live \(Self.ttlSeconds) s)")

            #expect(try await Self.waitFor(90) { try store.cursor(upstream: upstream) == last })
            standby.terminate()
            #expect(try await BreakwaterProcess.wait(standby, seconds: 30) == 0)
            #expect(try store.cursor(upstream: upstream) == last)
            let dids = try recording.dids()
            let stored = try store.accounts(dids)
            #expect(stored.count > 10)
            #expect(stored == (try Self.replayedStates(recording, scratch: scratch)))
        }
    }

    @Test func aPausedHolderThatLostItsLeaseEndsWithLeaseLostHavingCommittedNothingMore() async throws {
        try await Self.withDatabase("paused holder") { database in
            let recording = SynthRecording.faulty
            let scratch = BreakwaterProcess.temporaryFile("standby-stop")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let server = try await BreakwaterProcess.serve(recording.folder, ["--rate", "250"])
            defer { server.stop() }
            let upstream = try RelayURL(server.url).description
            let store = try PostgresStateStore(url: database)
            let last = try #require(recording.seqs.compactMap { $0 }.max())

            let (activeEvents, activeErr) = (scratch.appendingPathComponent("a.jsonl"), scratch.appendingPathComponent("a.err"))
            let active = try Self.consume(server, recording, database: database, events: activeEvents, stderr: activeErr, standby: false)
            defer { if active.isRunning { kill(active.processIdentifier, SIGKILL) } }
            #expect(try await Self.waitFor(30) { Self.text(activeErr).contains("lease: holding") })
            let (standbyEvents, standbyErr) = (scratch.appendingPathComponent("b.jsonl"), scratch.appendingPathComponent("b.err"))
            let standby = try Self.consume(server, recording, database: database, events: standbyEvents, stderr: standbyErr, standby: true)
            defer { if standby.isRunning { standby.terminate() } }
            #expect(try await Self.waitFor(60) { (try store.cursor(upstream: upstream) ?? 0) > last / 4 })

            kill(active.processIdentifier, SIGSTOP)
            try await Task.sleep(for: .milliseconds(200))
            let linesWhenStopped = Self.lineCount(activeEvents)
            let outcomesWhenStopped = try store.summary(recentViolations: 0).outcomes.values.reduce(0, +)
            #expect(try await Self.waitFor(Self.ttlSeconds * 4) { Self.text(standbyErr).contains("took over") })
            kill(active.processIdentifier, SIGCONT)
            #expect(try await BreakwaterProcess.wait(active, seconds: 30) == 1)
            #expect(Self.text(activeErr).contains("error: lease-lost"), "stderr: \(Self.text(activeErr).suffix(400))")
            // Every outcome line is printed after its batch is stored: none more means no batch more.
            #expect(Self.lineCount(activeEvents) == linesWhenStopped)

            #expect(try await Self.waitFor(90) { try store.cursor(upstream: upstream) == last })
            standby.terminate()
            #expect(try await BreakwaterProcess.wait(standby, seconds: 30) == 0)
            // The database holds the paused holder's outcomes up to the pause and the successor's, nothing else.
            let outcomes = try store.summary(recentViolations: 0).outcomes.values.reduce(0, +)
            #expect(outcomes == outcomesWhenStopped + Self.lineCount(standbyEvents))
            let stored = try store.accounts(try recording.dids())
            #expect(stored == (try Self.replayedStates(recording, scratch: scratch)))
        }
    }
}
