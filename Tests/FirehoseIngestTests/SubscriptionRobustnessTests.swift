@testable import BreakwaterNet
@testable import FirehoseIngest
import BreakwaterService
import FirehoseRelay
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import NIOCore
import NIOWebSocket
import Testing

/// The subscription never hangs (Docs/SPEC.md §1): every attempt's handshake is bounded, cancellation ends
/// an attempt at once, a silent connection is dropped and re-established, refusals follow `Retry-After`, and the
/// cursor never moves back.
@Suite("Subscription robustness", .timeLimit(.minutes(3)))
struct SubscriptionRobustnessTests {
    static func subscription(_ url: String, handshake: Duration = .seconds(15), retries: Int? = 1,
                             ping: Duration = .seconds(30), readTimeout: Duration = .seconds(60)) throws -> FirehoseSubscription {
        FirehoseSubscription(
            configuration: SubscriptionConfiguration(
                relay: try RelayURL(url), pingInterval: ping, readTimeout: readTimeout, handshakeTimeout: handshake,
                backoff: Backoff(base: .milliseconds(10), random: { 0 }), maxConsecutiveFailures: retries),
            logger: LiveTest.logger)
    }

    @Test func aServerThatAcceptsButNeverAnswersTheUpgradeTimesOutAndIsRetried() async throws {
        let server = try ScriptedHTTPServer { _, _ in .hang }
        defer { server.stop() }
        let subscription = try Self.subscription(server.webSocketURL, handshake: .milliseconds(500), retries: 2)
        await #expect(throws: NetError(.upstreamUnreachable, "")) {
            try await subscription.run(cursor: nil) { _ in true }
        }
        #expect(await Self.accepted(server, atLeast: 3) == 3)
    }

    @Test func aServerThatClosesBeforeTheUpgradeIsRetried() async throws {
        let server = try ScriptedHTTPServer { _, _ in .close }
        defer { server.stop() }
        let subscription = try Self.subscription(server.webSocketURL, retries: 2)
        await #expect(throws: NetError(.upstreamUnreachable, "")) {
            try await subscription.run(cursor: nil) { _ in true }
        }
        #expect(await Self.accepted(server, atLeast: 3) == 3)
    }

    /// A frame that arrives together with the `101` response, with the server's close right behind it (`FutureCursor`
    /// then close, as `serve` and relays send it), is delivered on that connection: never lost to the close, so the
    /// first attempt already ends with `FutureCursor` and no reconnect is needed.
    @Test func aFrameSentRightAfterTheUpgradeIsDeliveredEvenWhenTheServerClosesAtOnce() async throws {
        let recording = SynthRecording.clean
        let last = try #require(recording.seqs.compactMap { $0 }.max())
        let attempts = 60
        // `serve` in its own process: the race needs the server's bytes and FIN to reach the client's socket together.
        let server = try await BreakwaterProcess.serve(recording.folder, [])
        defer { server.stop() }
        var outcomes: [String] = []
        for _ in 0..<attempts {
            let subscription = try Self.subscription(server.url, retries: 0)  // a lost frame would be a failed attempt
            do {
                _ = try await subscription.run(cursor: last + 100) { _ in true }
                outcomes.append("ended")
            } catch let error as NetError {
                outcomes.append(error.code.description)
            }
        }
        let lost = outcomes.filter { $0 != NetError.Code.futureCursor.description }
        #expect(lost.isEmpty, "\(lost.count) of \(attempts) attempts lost the FutureCursor frame: \(Set(lost))")
    }

    /// RFC 6455 §5.2 for a client without extensions: reserved bits, reserved opcodes and masked server frames fail
    /// the connection; ordinary frames pass.
    @Test func framesThatBreakWebSocketFramingAreProtocolErrors() {
        let data = ByteBuffer(bytes: [1, 2, 3])
        #expect(FirehoseConnection.protocolViolation(WebSocketFrame(fin: true, opcode: .binary, data: data)) == nil)
        #expect(FirehoseConnection.protocolViolation(WebSocketFrame(fin: true, opcode: .ping, data: data)) == nil)
        #expect(FirehoseConnection.protocolViolation(WebSocketFrame(fin: true, rsv1: true, opcode: .binary, data: data)) != nil)
        #expect(FirehoseConnection.protocolViolation(WebSocketFrame(fin: true, rsv3: true, opcode: .binary, data: data)) != nil)
        #expect(FirehoseConnection.protocolViolation(WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: data)) != nil)
        let reserved = WebSocketOpcode(encodedWebSocketOpcode: 3)
        #expect(reserved != nil)
        if let reserved {
            #expect(FirehoseConnection.protocolViolation(WebSocketFrame(fin: true, opcode: reserved, data: data)) != nil)
        }
    }

    /// The server's count of accepted connections, once it reached `count` (or after two seconds).
    static func accepted(_ server: ScriptedHTTPServer, atLeast count: Int) async -> Int {
        for _ in 0..<100 where server.connectionArrivals.count < count {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return server.connectionArrivals.count
    }

    @Test func cancellationEndsAnAttemptStuckInTheHandshake() async throws {
        let server = try ScriptedHTTPServer { _, _ in .hang }
        defer { server.stop() }
        let subscription = try Self.subscription(server.webSocketURL, handshake: .seconds(600), retries: nil)
        let result = try await withThrowingTaskGroup(of: SubscriptionResult?.self) { group in
            group.addTask { try await subscription.run(cursor: nil) { _ in true } }
            group.addTask {
                while server.connectionArrivals.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                return nil
            }
            _ = try await group.next()  // the connection is open and waiting for the upgrade answer
            group.cancelAll()
            return try await group.next() ?? nil
        }
        #expect(result?.end == .cancelled)
    }

    @Test func http503WithRetryAfterDelaysTheNextAttempt() async throws {
        let server = try ScriptedHTTPServer { _, _ in
            .raw(Array("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
        }
        defer { server.stop() }
        // Jitter draws zero, so only Retry-After can space the attempts.
        let subscription = try Self.subscription(server.webSocketURL, retries: 1)
        await #expect(throws: NetError(.upstreamUnreachable, "")) {
            try await subscription.run(cursor: nil) { _ in true }
        }
        let times = server.connectionArrivals
        #expect(times.count == 2)
        if times.count == 2 { #expect(times[1] - times[0] >= .milliseconds(950)) }
    }

    @Test func http501IsAFinalRefusal() async throws {
        let server = try ScriptedHTTPServer { _, _ in .raw(Array("HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n".utf8)) }
        defer { server.stop() }
        let subscription = try Self.subscription(server.webSocketURL, retries: 5)
        await #expect(throws: NetError(.upstreamRefused, "")) {
            try await subscription.run(cursor: nil) { _ in true }
        }
        #expect(server.connectionArrivals.count == 1)
    }

    @Test func aServerThatStopsAnsweringPingsIsDroppedAndTheStreamResumes() async throws {
        let recording = SynthRecording.clean
        let expected = try ExpectedOutcomes.load(recording.location.expected)
        var configuration = RelayServerConfiguration(recording: recording.location)
        configuration.stallAfter = 250
        let database = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(database) }
        let lines = OutcomeCollector()
        let result = try await LiveTest.withServer(configuration) { server in
            let subscription = try Self.subscription(server.url, retries: 3, ping: .milliseconds(200), readTimeout: .seconds(1))
            let ingest = LiveIngest(
                subscription: subscription,
                pipeline: try LiveTest.pipeline(recording, upstream: try RelayURL(server.url).description, database: database, lines: lines),
                maxEvents: recording.frames.count, logger: LiveTest.logger)
            return try await ingest.run(cursor: nil)
        }
        #expect(result.failure == nil)
        // At least one connection per 250 frames (a loaded machine may add a spurious timeout; never a gap).
        let connections = result.subscription?.connections ?? 0
        #expect(connections >= (recording.frames.count + 249) / 250)
        #expect(lines.all.map(LiveTest.key) == expected.map(LiveTest.key))
    }

    @Test func aSlowConsumerIsNotMistakenForASilentServer() async throws {
        // The consumer holds each of the first frames longer than the read timeout: backpressure, not silence.
        let recording = SynthRecording.clean
        let result = try await LiveTest.withServer(RelayServerConfiguration(recording: recording.location)) { server in
            let subscription = try Self.subscription(server.url, retries: 1, ping: .milliseconds(200), readTimeout: .seconds(1))
            let count = Locked(0)
            return try await subscription.run(cursor: nil) { _ in
                let n = count.withLock { c -> Int in
                    c += 1
                    return c
                }
                if n <= 2 { try? await Task.sleep(for: .milliseconds(2500)) }
                return n < 20
            }
        }
        #expect(result.end == .stopped)
        #expect(result.frames == 20)
        #expect(result.connections == 1)
        #expect(result.reconnects == 0)
    }

    /// A server that replays from `seq ≥ cursor` (the event-stream spec's text; arroba does it) sends the cursor's own
    /// event again first on every reconnect: it gets its `ignored` line, the connection stays up (no reconnect loop),
    /// and the stream ends in the state a replay gives.
    @Test func aServerThatReplaysFromTheCursorInclusivelyCausesNoReconnectLoop() async throws {
        let recording = SynthRecording.clean
        let frames = recording.frames.count
        let perConnection = 300
        try #require(frames > perConnection)
        // The first connection brings 300 new frames, each later one 299 (its first is the cursor's event again):
        // 1 + ⌈(frames − 300) / 299⌉ connections.
        let connections = 1 + (frames - 2) / (perConnection - 1)
        var configuration = RelayServerConfiguration(recording: recording.location)
        configuration.closeAfter = perConnection
        configuration.inclusiveCursor = true
        let run = try await Self.consumeLive(recording, server: configuration, maxEvents: frames + connections - 1, retries: 3)
        defer { TemporaryDatabase.remove(run.database) }
        #expect(run.result.subscription?.reconnects == connections - 1)
        #expect(run.result.summary.seqRegressions == connections - 1)
        #expect(run.lines.filter { $0.reason == .staleRev }.count == connections - 1)
        #expect(run.cursor == recording.seqs.compactMap { $0 }.max())
        #expect(try await run.matchesReplay(of: recording))
    }

    /// What ``consumeLive(_:server:maxEvents:retries:)`` ends with.
    struct LiveRun {
        let result: LiveIngest.Result
        let lines: [OutcomeLine]
        let cursor: Int64?
        let database: String

        /// Whether the stored account states equal those of a strict replay of `source`.
        func matchesReplay(of source: SynthRecording) async throws -> Bool {
            let replayDatabase = TemporaryDatabase().path
            defer { TemporaryDatabase.remove(replayDatabase) }
            _ = try await ReplayHarness.replay(folder: source.folder, policy: .strict, workers: 2, database: replayDatabase)
            let dids = try source.dids()
            return try LiveTest.states(database: database, dids: dids) == LiveTest.states(database: replayDatabase, dids: dids)
        }
    }

    /// Consumes `recording` live from a server with `configuration` until `maxEvents` frames, into a fresh database
    /// that the caller removes (``LiveRun/database``).
    static func consumeLive(_ recording: SynthRecording, server configuration: RelayServerConfiguration, maxEvents: Int,
                            retries: Int? = 1) async throws -> LiveRun {
        let database = TemporaryDatabase().path
        var finished = false
        defer { if !finished { TemporaryDatabase.remove(database) } }
        let lines = OutcomeCollector()
        let (result, upstream) = try await LiveTest.withServer(configuration) { server in
            let upstream = try RelayURL(server.url).description
            let ingest = LiveIngest(
                subscription: try Self.subscription(server.url, retries: retries),
                pipeline: try LiveTest.pipeline(recording, upstream: upstream, database: database, lines: lines),
                maxEvents: maxEvents, logger: LiveTest.logger)
            return (try await ingest.run(cursor: nil), upstream)
        }
        let run = LiveRun(result: result, lines: lines.all, cursor: try SQLiteStateStore(path: database).cursor(upstream: upstream),
                          database: database)
        finished = true
        return run
    }

    @Test func aDuplicateOrLowerSeqIsNotProcessedAndNeverMovesTheCursorBack() async throws {
        // The clean recording with frame 40 sent again after frame 300.
        let source = SynthRecording.clean
        var frames = source.frames
        let duplicate = frames[40]
        frames.insert(duplicate, at: 301)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-dup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(frames.flatMap { RecordingDecoder.encode(frame: $0) }).write(to: folder.appendingPathComponent("frames.bin"))
        try FileManager.default.copyItem(at: source.location.identities, to: folder.appendingPathComponent("identities.json"))
        let recording = SynthRecording(folder: folder, frames: frames)
        let run = try await Self.consumeLive(recording, server: RelayServerConfiguration(recording: recording.location),
                                             maxEvents: frames.count)
        defer { TemporaryDatabase.remove(run.database) }
        #expect(run.result.summary.seqRegressions == 1)
        // Docs/SPEC.md §2: the frame is not processed and the connection is dropped, then resumed from the highest seq.
        #expect(run.result.subscription?.reconnects == 1)
        let line = try #require(run.lines.first { $0.index == 301 })
        #expect(line.outcome == .ignored && line.reason == .staleRev)
        #expect(line.seq == FramePeek(duplicate).seq)
        #expect(run.cursor == source.seqs.compactMap { $0 }.max())
        // Without the duplicate, the same state as replaying the source.
        #expect(try await run.matchesReplay(of: source))
    }
}
