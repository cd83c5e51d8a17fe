import FirehoseTesting
import Foundation
import Testing

/// One writer per database, with real processes: while `consume --db` runs, every other
/// writing command on the same database is refused with `error: database-locked: PATH in use by pid N` (exit 1),
/// the readers still read, and once the writer is gone (even by SIGKILL) the next writer proceeds.
@Suite("Database writer lock", .serialized, .timeLimit(.minutes(3)))
struct DatabaseLockProcessTests {
    @Test func aSecondWriterIsRefusedWhileAnotherProcessWritesTheDatabase() async throws {
        let folder = BreakwaterProcess.temporaryFile("lock")
        defer { try? FileManager.default.removeItem(at: folder) }
        let recording = folder.appendingPathComponent("rec")
        let cars = folder.appendingPathComponent("cars")
        let synth = try BreakwaterBinary.run(["synth", "--out", recording.path, "--repos", "3", "--commits", "40", "--seed", "12",
                                              "--repos-dir", cars.path])
        try #require(synth.status == 0, "\(synth.stderr)")
        let identities = recording.appendingPathComponent("identities.json").path
        let did = try #require(((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: identities))) as? [String: Any]) ?? [:])
            .keys.sorted().first)
        let car = cars.appendingPathComponent(did.replacingOccurrences(of: ":", with: "_") + ".car").path
        let database = folder.appendingPathComponent("same.sqlite").path

        let server = try await BreakwaterProcess.serve(recording)
        defer { server.stop() }
        let consume = try BreakwaterBinary.start(["consume", "--relay", server.url, "--plc", server.plc, "--identities", identities,
                                                  "--db", database, "--progress", "0", "--resync-concurrency", "0"])
        defer { if consume.isRunning { kill(consume.processIdentifier, SIGKILL) } }
        // The writer holds the database once its pid is in the lock file.
        let lockFile = database + ".lock"
        for _ in 0..<400 {
            if (try? String(contentsOfFile: lockFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                == String(consume.processIdentifier) { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        try #require(consume.isRunning)
        // Wait until it has stored the whole recording (the server then keeps the connection open).
        for _ in 0..<400 {
            let status = try BreakwaterBinary.run(["status", "--db", database, "--json"])
            if status.status == 0, status.stdout.contains("\"verified\"") { break }
            try await Task.sleep(for: .milliseconds(50))
        }

        let refusal = "error: database-locked: \(database) in use by pid \(consume.processIdentifier)\n"
        let writers: [[String]] = [
            ["consume", "--relay", server.url, "--plc", server.plc, "--identities", identities, "--db", database, "--max-events", "1", "--duration", "3"],
            ["replay", recording.path, "--db", database],
            ["mirror", "import", did, car, "--identities", identities, "--db", database],
            ["mirror", "add", did, "--car", car, "--identities", identities, "--db", database],
            ["mirror", "remove", did, "--db", database],
            ["identity", "forget", did, "--db", database],
        ]
        for arguments in writers {
            let result = try BreakwaterBinary.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr == refusal, "\(arguments)")
        }
        // Readers still read while the writer holds the database.
        for arguments in [["status", "--db", database], ["audit", "report", "--db", database], ["mirror", "list", "--db", database]] {
            let result = try BreakwaterBinary.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        // SIGKILL: the kernel releases the lock, and the next writer proceeds.
        kill(consume.processIdentifier, SIGKILL)
        consume.waitUntilExit()
        let after = try BreakwaterBinary.run(["mirror", "import", did, car, "--identities", identities, "--db", database])
        #expect(after.status == 0, "\(after.stderr)")
    }
}
