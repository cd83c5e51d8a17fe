import BreakwaterNet
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// A 20,000-event synthetic recording made with `breakwater synth` (Docs/CONTRACT.md §1). Synth is deterministic, so the
/// recording is generated once and kept in the temporary folder under a name derived from the generator's sources
/// and the parameters: later test runs reuse it until the generator changes (about 50 s in a debug build).
struct LargeSynthRecording: Sendable {
    let folder: URL
    let frames: Int
    let lastSeq: Int64

    static let arguments = ["--repos", "150", "--commits", "19700", "--seed", "2026", "--faults", "0.02", "--largest-tree", "200"]

    static let shared: Result<LargeSynthRecording, BreakwaterProcess.Failure> =
        CachedSynthRecording.make(prefix: "synth20k", arguments: arguments).map {
            LargeSynthRecording(folder: $0.folder, frames: $0.frames, lastSeq: $0.lastSeq)
        }

    var identities: String { folder.appendingPathComponent("identities.json").path }
    var expected: URL { folder.appendingPathComponent("expected.jsonl") }
}

/// Running `breakwater` processes in live tests.
enum BreakwaterProcess {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A running `breakwater serve`, with the URL it printed.
    struct Server {
        let process: Process
        let url: String

        var plc: String { url.replacingOccurrences(of: "ws://", with: "http://") }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("bw-\(name)-\(UUID().uuidString)")
    }

    /// Starts `breakwater serve FOLDER --port 0 extra…` and waits for its "listening on" line.
    static func serve(_ folder: URL, _ extra: [String] = []) async throws -> Server {
        let out = temporaryFile("serve-out")
        let process = try BreakwaterBinary.start(["serve", folder.path, "--port", "0"] + extra, stdout: out)
        for _ in 0..<400 {
            if let text = try? String(contentsOf: out, encoding: .utf8), let line = text.split(separator: "\n").first,
               line.hasPrefix("listening on ") {
                return Server(process: process, url: String(line.dropFirst("listening on ".count)))
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        process.terminate()
        throw Failure(description: "serve did not start")
    }

    /// Waits for `process` to exit (killing it after `seconds`), returning its exit status (nil: killed by a signal).
    static func wait(_ process: Process, seconds: Int) async throws -> Int32? {
        for _ in 0..<(seconds * 20) where process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard !process.isRunning else {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// The accounts table of a database, for the DIDs of `identities`.
    static func accounts(database: String, identities: String) throws -> [String: AccountState] {
        let data = try Data(contentsOf: URL(fileURLWithPath: identities))
        let dids = ((try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]).keys.sorted()
        return try SQLiteStateStore(path: database).accounts(dids)
    }
}

/// `breakwater consume` and `breakwater record` as real processes against `breakwater serve` on 127.0.0.1.
@Suite("Live processes", .timeLimit(.minutes(3)))
struct LiveProcessTests {
    /// The heaviest live test (about two minutes of CPU in a debug build); `BREAKWATER_LIVE_LARGE=0` skips it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BREAKWATER_LIVE_LARGE"] != "0"))
    func twentyThousandEventsConsumedLiveAcrossReconnectsGiveTheExpectedOutcomesAndTheReplayState() async throws {
        let recording = try LargeSynthRecording.shared.get()
        #expect(recording.frames >= 20_000)
        let live = TemporaryDatabase().path
        let replayed = TemporaryDatabase().path
        let events = BreakwaterProcess.temporaryFile("events")
        defer {
            TemporaryDatabase.remove(live)
            TemporaryDatabase.remove(replayed)
            try? FileManager.default.removeItem(at: events)
        }
        // The server drops every connection after 6,000 frames: three reconnects mid-stream.
        let server = try await BreakwaterProcess.serve(recording.folder, ["--close-after", "6000"])
        defer { server.stop() }
        let consume = try BreakwaterBinary.start([
            "consume", "--relay", server.url, "--plc", server.plc, "--identities", recording.identities, "--db", live,
            "--events", events.path, "--max-events", "\(recording.frames)", "--workers", "2", "--progress", "0", "--max-retries", "3",
            // Compared with `replay`, which never resyncs: without repositories to fetch, a resync's timing (attempts,
            // backoff, give-up) would be the only thing that differs between the two runs.
            "--resync-concurrency", "0",
        ])
        let status = try await BreakwaterProcess.wait(consume, seconds: 170)
        #expect(status == 0)

        let expected = try ExpectedOutcomes.load(recording.expected)
        let got = try ExpectedOutcomes.load(events)
        #expect(got.count == expected.count)
        #expect(got.map(\.index) == Array(0..<got.count), "no gap, no duplicate")
        #expect(got.map(\.description) == expected.map(\.description))
        #expect(try SQLiteStateStore(path: live).cursor(upstream: try RelayURL(server.url).description) == recording.lastSeq)

        let replay = try BreakwaterBinary.run(["replay", recording.folder.path, "--db", replayed, "--workers", "2"])
        #expect(replay.status == 0)
        let liveAccounts = try BreakwaterProcess.accounts(database: live, identities: recording.identities)
        #expect(liveAccounts.count > 100)
        #expect(liveAccounts == (try BreakwaterProcess.accounts(database: replayed, identities: recording.identities)))
    }

    @Test func aServerThatGoesSilentIsDroppedAfterTheReadTimeoutAndTheStreamCompletes() async throws {
        let recording = SynthRecording.faulty
        let database = TemporaryDatabase().path
        let replayed = TemporaryDatabase().path
        defer {
            TemporaryDatabase.remove(database)
            TemporaryDatabase.remove(replayed)
        }
        let server = try await BreakwaterProcess.serve(recording.folder, ["--stall-after", "800", "--ping-interval", "0.2"])
        defer { server.stop() }
        let consume = try BreakwaterBinary.start([
            "consume", "--relay", server.url, "--plc", server.plc, "--identities", recording.location.identities.path, "--db", database,
            "--max-events", "\(recording.frames.count)", "--workers", "2", "--progress", "0", "--read-timeout", "1", "--max-retries", "3",
        ])
        #expect(try await BreakwaterProcess.wait(consume, seconds: 60) == 0)
        #expect(try SQLiteStateStore(path: database).cursor(upstream: try RelayURL(server.url).description)
                == recording.seqs.compactMap { $0 }.max())
        _ = try await ReplayHarness.replay(folder: recording.folder, policy: .strict, workers: 2, database: replayed)
        let dids = try recording.dids()
        #expect(try LiveTest.states(database: database, dids: dids) == LiveTest.states(database: replayed, dids: dids))
    }

    @Test func aCursorBeyondTheEndStopsConsumeWithFutureCursor() async throws {
        let recording = SynthRecording.clean
        let database = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(database) }
        let server = try await BreakwaterProcess.serve(recording.folder)
        defer { server.stop() }
        let last = try #require(recording.seqs.compactMap { $0 }.max())
        let result = try BreakwaterBinary.run([
            "consume", "--relay", server.url, "--plc", server.plc, "--identities", recording.location.identities.path, "--db", database,
            "--cursor", "\(last + 100)", "--progress", "0",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("future-cursor"))
    }

    @Test func recordStoppedBySIGINTKeepsWhatArrivedWithIdentitiesResolvedFromTheDirectory() async throws {
        let recording = SynthRecording.faulty
        let out = BreakwaterProcess.temporaryFile("record")
        defer { try? FileManager.default.removeItem(at: out) }
        // 400 events/s: the last three quarters take about 3.5 s, far longer than SIGINT takes on a loaded machine.
        let server = try await BreakwaterProcess.serve(recording.folder, ["--rate", "400"])
        defer { server.stop() }
        let record = try BreakwaterBinary.start(["record", "--relay", server.url, "--plc", server.plc, "--out", out.path, "--progress", "0"])
        let framesFile = out.appendingPathComponent("frames.bin")
        let sourceSize = try Data(contentsOf: recording.location.frames).count
        for _ in 0..<400 {
            let size = (try? FileManager.default.attributesOfItem(atPath: framesFile.path)[.size] as? Int) ?? 0
            if size > sourceSize / 4 { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        kill(record.processIdentifier, SIGINT)
        #expect(try await BreakwaterProcess.wait(record, seconds: 20) == 0)

        // Frames exactly as served, a prefix of the source (the stream was interrupted mid-way).
        let recorded = try Data(contentsOf: framesFile)
        let source = try Data(contentsOf: recording.location.frames)
        #expect(recorded.count > 0 && recorded.count < source.count)
        #expect(source.starts(with: recorded))
        var decoder = RecordingDecoder()
        decoder.append(recorded)
        var seen: Set<String> = []
        while let frame = try decoder.next() {
            if let did = FramePeek(frame).did { seen.insert(did) }
        }
        // Every DID seen that the directory knows has its current key; nothing else is invented.
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("identities.json"))) as? [String: Any])
        let sourceEntries = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: recording.location.identities)) as? [String: Any])
        #expect(Set(entries.keys) == seen.intersection(sourceEntries.keys))
        for (did, value) in entries {
            let entry = value as? [String: Any]
            let sourceEntry = sourceEntries[did] as? [String: Any]
            #expect(entry?["signingKey"] as? String == sourceEntry?["signingKey"] as? String, "\(did)")
        }
    }

    @Test func recordFromServeThenReplayGivesTheOutcomesOfReplayingTheSource() async throws {
        let recording = SynthRecording.faulty
        let out = BreakwaterProcess.temporaryFile("record")
        defer { try? FileManager.default.removeItem(at: out) }
        let server = try await BreakwaterProcess.serve(recording.folder, ["--close-after", "700"])
        defer { server.stop() }
        let result = try BreakwaterBinary.run([
            "record", "--relay", server.url, "--plc", server.plc, "--identities", recording.location.identities.path, "--out", out.path,
            "--max-events", "\(recording.frames.count)", "--progress", "0",
        ])
        #expect(result.status == 0)
        let fromRecord = try BreakwaterBinary.run(["replay", out.path, "--events", "-", "--workers", "2"])
        let fromSource = try BreakwaterBinary.run(["replay", recording.folder.path, "--events", "-", "--workers", "2"])
        #expect(fromRecord.status == 0 && fromSource.status == 0)
        let recordLines = fromRecord.stdout.split(separator: "\n")
        #expect(recordLines.count == recording.frames.count)
        #expect(recordLines == fromSource.stdout.split(separator: "\n"))
    }

    @Test func consumerTooSlowMidStreamReconnectsFromTheCursorWithNoGapAndNoDuplicate() async throws {
        let recording = SynthRecording.faulty
        let database = TemporaryDatabase().path
        let events = BreakwaterProcess.temporaryFile("events")
        defer {
            TemporaryDatabase.remove(database)
            try? FileManager.default.removeItem(at: events)
        }
        // Every connection gets ConsumerTooSlow after 700 frames: several reconnects through the recording. The error
        // frames are events too (type `error`), so the run stops after the recording's frames plus those.
        let tooSlowFrames = recording.frames.count / 700
        #expect(tooSlowFrames >= 2)
        let server = try await BreakwaterProcess.serve(recording.folder, ["--too-slow-after", "700"])
        defer { server.stop() }
        let stderr = BreakwaterProcess.temporaryFile("stderr")
        defer { try? FileManager.default.removeItem(at: stderr) }
        let consume = try BreakwaterBinary.start([
            "consume", "--relay", server.url, "--plc", server.plc, "--identities", recording.location.identities.path, "--db", database,
            "--events", events.path, "--max-events", "\(recording.frames.count + tooSlowFrames)", "--workers", "2", "--progress", "0",
            "--max-retries", "3", "--resync-concurrency", "0",
        ], stderr: stderr)
        #expect(try await BreakwaterProcess.wait(consume, seconds: 90) == 0)
        let log = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        #expect(log.contains("ConsumerTooSlow"), "\(log.suffix(2000))")
        // The account events, without the error frames and their place in the numbering, are the recording's.
        func essentials(_ line: ExpectedOutcome) -> String {
            [line.seq.map(String.init) ?? "-", line.type, line.did ?? "-", line.rev ?? "-", line.outcome, line.reason ?? "-"]
                .joined(separator: " ")
        }
        let expected = try ExpectedOutcomes.load(recording.location.expected).map(essentials)
        let lines = try ExpectedOutcomes.load(events)
        #expect(lines.map(\.index) == Array(0..<lines.count))
        #expect(lines.filter { $0.type == "error" }.count == tooSlowFrames)
        let got = lines.filter { $0.type != "error" }.map(essentials)
        #expect(got.count == expected.count, "no gap, no duplicate")
        #expect(got == expected, "first difference at line \(Array(zip(got, expected)).firstIndex { $0 != $1 } ?? min(got.count, expected.count))")
        #expect(try SQLiteStateStore(path: database).cursor(upstream: try RelayURL(server.url).description)
                == recording.seqs.compactMap { $0 }.max())
    }

    /// A self-signed certificate for the name `localhost` only, made with the openssl command (no IP address among
    /// its names: NIOSSL accepts a certificate naming the connected IP address whatever name is checked).
    static func makeCertificate(in folder: URL) throws -> (certificate: String, key: String) {
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                             "-keyout", key, "-out", certificate]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw BreakwaterProcess.Failure(description: "openssl req failed") }
        return (certificate, key)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func wssIsVerifiedAgainstTrustedCertificatesAndAnUntrustedServerIsRefused() async throws {
        let recording = SynthRecording.clean
        let folder = BreakwaterProcess.temporaryFile("tls")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tls = try Self.makeCertificate(in: folder)
        let server = try await BreakwaterProcess.serve(recording.folder, ["--tls-cert", tls.certificate, "--tls-key", tls.key])
        defer { server.stop() }
        #expect(server.url.hasPrefix("wss://127.0.0.1:"))
        let events = folder.appendingPathComponent("events.jsonl")
        func arguments(sni: String, database: String) -> [String] {
            ["consume", "--relay", server.url, "--sni", sni, "--plc", "http://127.0.0.1:9", "--identities",
             recording.location.identities.path, "--db", folder.appendingPathComponent(database).path, "--progress", "0",
             "--max-retries", "1"]
        }

        // Without the certificate among the trusted ones: the handshake fails, nothing is stored.
        let refused = try BreakwaterBinary.run(arguments(sni: "localhost", database: "refused.sqlite") + ["--max-events", "10"])
        #expect(refused.status == 1)
        #expect(refused.stderr.lowercased().contains("certificate"), "\(refused.stderr.suffix(1500))")
        // Trusted, but the name checked is not the certificate's: refused too.
        let wrongName = try BreakwaterBinary.run(arguments(sni: "relay.example", database: "wrong-name.sqlite")
                                                 + ["--ca-file", tls.certificate, "--max-events", "10"])
        #expect(wrongName.status == 1, "\(wrongName.stderr.suffix(1500))")

        // Trusted: the whole stream over TLS, with the outcomes of the recording.
        let accepted = try BreakwaterBinary.start(arguments(sni: "localhost", database: "db.sqlite")
                                                  + ["--ca-file", tls.certificate, "--events", events.path,
                                                     "--max-events", "\(recording.frames.count)"])
        #expect(try await BreakwaterProcess.wait(accepted, seconds: 60) == 0)
        let expected = try ExpectedOutcomes.load(recording.location.expected).map(\.description)
        let got = try ExpectedOutcomes.load(events).map(\.description)
        #expect(got.count == expected.count)
        #expect(got == expected, "first difference at line \(Array(zip(got, expected)).firstIndex { $0 != $1 } ?? min(got.count, expected.count))")
    }
}
