import BreakwaterNet
import FirehoseIngest
import FirehoseRelay
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Synchronization
import Testing

/// `breakwater consume` as a real child process: SIGTERM stops it cleanly (exit 0, cursor stored), and a
/// restart resumes from that cursor and ends in the same state as a replay (Docs/CONTRACT.md §1, §5).
@Suite("consume process", .timeLimit(.minutes(3)))
struct ConsumeSignalTests {
    static var binary: URL { Vectors.projectRoot.appendingPathComponent(".build/debug/breakwater") }

    /// SIGTERM stops cleanly (exit 0); SIGKILL loses nothing that was stored (outcomes and cursor share a
    /// transaction). Either way a restart resumes from the stored cursor and ends in the replay's state.
    @Test(arguments: [SIGTERM, SIGKILL])
    func aStopMidStreamThenARestartResumesFromTheCursor(signal: Int32) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the executable first (swift build)")
        let recording = SynthRecording.faulty
        let lastSeq = try #require(recording.seqs.compactMap { $0 }.max())
        let database = TemporaryDatabase().path
        let replayDatabase = TemporaryDatabase().path
        defer {
            TemporaryDatabase.remove(database)
            TemporaryDatabase.remove(replayDatabase)
        }
        var configuration = RelayServerConfiguration(recording: recording.location)
        configuration.eventsPerSecond = 500
        let (firstCursor, finalCursor) = try await LiveTest.withServer(configuration) { server in
            let upstream = try RelayURL(server.url).description
            let arguments = ["consume", "--relay", server.url, "--identities", recording.location.identities.path,
                             "--db", database, "--workers", "2", "--progress", "0", "--max-retries", "3"]
            // First run: interrupted by SIGTERM once some events are stored.
            let first = try Self.launch(arguments)
            var stored: Int64? = nil
            for _ in 0..<200 where stored == nil {
                try await Task.sleep(for: .milliseconds(100))
                stored = try? Self.cursor(database: database, upstream: upstream).flatMap { $0 >= 50 ? $0 : nil }
            }
            #expect(stored != nil, "the first run stored no cursor; its log: \(Self.log(of: first))")
            kill(first.processIdentifier, signal)
            let firstStatus = try await Self.wait(first, seconds: 15)
            if signal == SIGTERM {
                #expect(firstStatus == 0)
            } else {
                #expect(first.terminationReason == .uncaughtSignal)
            }
            let firstCursor = try #require(try Self.cursor(database: database, upstream: upstream))

            // Second run: resumes from the stored cursor and stops after the rest of the recording.
            let remaining = Self.framesAfter(cursor: firstCursor, seqs: recording.seqs)
            let second = try Self.launch(arguments + ["--max-events", "\(remaining)"])
            let secondStatus = try await Self.wait(second, seconds: 40)
            #expect(secondStatus == 0)
            return (firstCursor, try Self.cursor(database: database, upstream: upstream))
        }
        #expect(firstCursor > 0 && firstCursor < lastSeq, "SIGTERM came after the whole recording (cursor \(firstCursor))")
        #expect(finalCursor == lastSeq)
        _ = try await ReplayHarness.replay(folder: recording.folder, policy: .strict, workers: 2, database: replayDatabase)
        let dids = try recording.dids()
        #expect(try LiveTest.states(database: database, dids: dids) == LiveTest.states(database: replayDatabase, dids: dids))
    }

    static let logs = Mutex<[ObjectIdentifier: URL]>([:])

    /// The last lines of a launched process's stderr (for failure messages).
    static func log(of process: Process) -> String {
        guard let url = logs.withLock({ $0[ObjectIdentifier(process)] }), let text = try? String(contentsOf: url, encoding: .utf8) else { return "-" }
        return text.split(separator: "\n").suffix(8).joined(separator: "\n")
    }

    static func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("consume-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        Self.logs.withLock { $0[ObjectIdentifier(process)] = log }
        try process.run()
        return process
    }

    /// Waits for `process` to exit (killing it after `seconds`), returning its exit status.
    static func wait(_ process: Process, seconds: Int) async throws -> Int32? {
        for _ in 0..<(seconds * 20) where process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard !process.isRunning else {
            process.terminate()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    static func cursor(database: String, upstream: String) throws -> Int64? {
        try SQLiteStateStore(path: database).cursor(upstream: upstream)
    }

    /// How many frames the server sends after `cursor` (see `RecordingIndex.startOffset`).
    static func framesAfter(cursor: Int64, seqs: [Int64?]) -> Int {
        var start = 0
        for (index, seq) in seqs.enumerated() {
            guard let seq else { continue }
            if seq > cursor { break }
            start = index + 1
        }
        return seqs.count - start
    }
}
