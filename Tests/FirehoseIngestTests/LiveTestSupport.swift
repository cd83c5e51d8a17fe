import ATIdentity
import BreakwaterNet
import FirehoseIngest
import FirehoseRelay
import FirehoseStore
import FirehoseSync
import FirehoseSynth
import Foundation
import Logging
import NIOCore
import FirehoseTesting
import Synchronization
import Testing

/// A synthetic recording written to a temporary folder (frames.bin, identities.json, expected.jsonl).
struct SynthRecording: Sendable {
    let folder: URL
    let frames: [[UInt8]]

    var location: RecordingLocation { RecordingLocation(path: folder.path) }

    /// The seq of every frame (nil when it has none).
    var seqs: [Int64?] { frames.map { FramePeek($0).seq } }

    /// DIDs with an identity.
    func dids() throws -> [String] {
        let data = try Data(contentsOf: location.identities)
        return ((try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]).keys.sorted()
    }

    static func make(repos: Int, commits: Int, seed: UInt64, faults: Double, faultKinds: [FaultKind] = FaultKind.allCases) throws -> SynthRecording {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var frames: [[UInt8]] = []
        var framesBytes: [UInt8] = []
        var expected: [UInt8] = []
        var generator = SynthGenerator(configuration: SynthConfiguration(
            repos: repos, commits: commits, seed: seed, faultRate: faults, faultKinds: faultKinds, largestTree: 50)) { event in
            frames.append(event.frame)
            framesBytes.append(contentsOf: RecordingDecoder.encode(frame: event.frame))
            expected.append(contentsOf: event.expected.json.utf8)
            expected.append(0x0a)
        }
        try generator.run()
        try Data(framesBytes).write(to: folder.appendingPathComponent("frames.bin"))
        try Data(expected).write(to: folder.appendingPathComponent("expected.jsonl"))
        try generator.identitiesJSON().write(to: folder.appendingPathComponent("identities.json"))
        return SynthRecording(folder: folder, frames: frames)
    }

    /// Shared fixtures (generated once per test process).
    static let clean: SynthRecording = try! make(repos: 20, commits: 600, seed: 7, faults: 0)
    static let faulty: SynthRecording = try! make(repos: 30, commits: 1800, seed: 11, faults: 0.05)
}

enum LiveTest {
    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }

    /// Runs `body` with a server bound on 127.0.0.1 and serving, then stops it.
    static func withServer<T: Sendable>(_ configuration: RelayServerConfiguration,
                                        _ body: @Sendable (RelayServer) async throws -> T) async throws -> T {
        let server = try await RelayServer.bind(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await server.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(server)
        }
    }

    /// Connects once with `cursor` through a plain WebSocket client that shares no code with Breakwater's
    /// subscription, and collects binary messages until `limit` or the server closes.
    static func collect(_ server: RelayServer, cursor: Int64?, limit: Int) async throws -> PlainWebSocketClient.Received {
        let port = try #require(Int(server.url.split(separator: ":").last ?? ""), "no port in \(server.url)")
        return try await PlainWebSocketClient.collect(port: port, path: RelayURL.subscribePath + (cursor.map { "?cursor=\($0)" } ?? ""),
                                                      limit: limit)
    }

    /// A pipeline over a fresh SQLite file collecting outcome lines.
    static func pipeline(_ recording: SynthRecording, upstream: String, database: String, workers: Int = 2,
                         lines: OutcomeCollector) throws -> VerificationPipeline {
        VerificationPipeline(
            configuration: PipelineConfiguration(workers: workers, upstream: upstream, now: now),
            store: try SQLiteStateStore(path: database), keys: try StaticIdentityDirectory(path: recording.location.identities.path),
            onOutcome: { line in lines.append(line) })
    }

    /// The stored states of `dids`.
    static func states(database: String, dids: [String]) throws -> [String: AccountState] {
        try SQLiteStateStore(path: database).accounts(dids)
    }

    /// The i-independent fields of an outcome line (Docs/CONTRACT.md §4), for comparing runs whose indices differ.
    static func key(_ line: OutcomeLine) -> String {
        "\(line.seq.map(String.init) ?? "null") \(line.type.rawValue) \(line.did ?? "null") \(line.rev ?? "null") \(line.outcome.rawValue) \(line.reason?.rawValue ?? "null")"
    }

    static func key(_ line: ExpectedOutcome) -> String {
        "\(line.seq.map(String.init) ?? "null") \(line.type) \(line.did ?? "null") \(line.rev ?? "null") \(line.outcome) \(line.reason ?? "null")"
    }
}

/// Outcome lines collected from the pipeline's callback.
final class OutcomeCollector: Sendable {
    private let lines = Mutex<[OutcomeLine]>([])
    func append(_ line: OutcomeLine) { lines.withLock { $0.append(line) } }
    var all: [OutcomeLine] { lines.withLock { $0 } }
}

/// A value behind a lock that escaping closures can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
