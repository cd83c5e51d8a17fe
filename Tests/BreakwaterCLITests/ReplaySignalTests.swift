import FirehoseTesting
import Foundation
import Testing

/// `replay` stops cleanly on SIGINT/SIGTERM (Docs/CONTRACT.md §1: the default database is temporary and "deleted after"):
/// the frames already read are finished, the outcome lines written, the temporary database removed, exit 0.
@Suite("replay signals", .timeLimit(.minutes(1)))
struct ReplaySignalTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsReplayCleanlyWritesTheLinesAndRemovesTheTemporaryDatabase(signal: Int32) async throws {
        let binary = try #require(BreakwaterBinary.url, "build the executable first (swift build)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-signal-\(UUID().uuidString)")
        let scratch = folder.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let events = folder.appendingPathComponent("events.jsonl"), errors = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)

        let process = Process()
        process.executableURL = binary
        // The demo recording paced by its event times takes far longer than the test waits.
        process.arguments = ["replay", Vectors.projectRoot.appendingPathComponent("Replays/demo").path,
                             "--pace", "original", "--batch-size", "20", "--events", events.path]
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = scratch.path  // where the temporary database goes
        environment["BREAKWATER_DB"] = nil
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()

        // Wait until the temporary database exists and some lines were written, then signal.
        for _ in 0..<200 {
            let lines = (try? String(contentsOf: events, encoding: .utf8))?.split(separator: "\n").count ?? 0
            let databases = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path))?.filter { $0.hasSuffix(".sqlite") } ?? []
            if !databases.isEmpty && lines > 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        kill(process.processIdentifier, signal)
        for _ in 0..<200 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        if process.isRunning { process.terminate(); return }

        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("breakwater-") }
        #expect(leftovers.isEmpty, "temporary database left behind: \(leftovers)")
        let lines = try String(contentsOf: events, encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty)
        // Every line is whole and they run from the first frame without a gap.
        let indexes = try lines.map { line -> Int in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["i"] as? Int)
        }
        #expect(indexes == Array(0..<lines.count))
        let stderr = try String(contentsOf: errors, encoding: .utf8)
        #expect(stderr.contains("stopped by \(signal == SIGINT ? "SIGINT" : "SIGTERM") after \(lines.count) frames"), "\(stderr)")
        print("replay stopped by signal \(signal) after \(lines.count) frames")
    }
}
