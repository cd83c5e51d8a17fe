import BreakwaterNet
import FirehoseIngest
import FirehoseRelay
import FirehoseSync
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FirehoseTesting
import Synchronization
import Testing

/// `breakwater serve` over real sockets on 127.0.0.1 (Docs/CONTRACT.md §1, Docs/SPEC.md §2 cursor semantics).
@Suite("RelayServer", .timeLimit(.minutes(1)))
struct RelayServerTests {
    let recording = SynthRecording.clean

    var configuration: RelayServerConfiguration { RelayServerConfiguration(recording: recording.location) }

    @Test func cursorZeroSendsEveryFrameExactlyAsRecorded() async throws {
        let frames = recording.frames
        let received = try await LiveTest.withServer(configuration) { server in
            try await LiveTest.collect(server, cursor: 0, limit: frames.count)
        }
        #expect(received.frames.count == frames.count)
        #expect(received.frames == frames)
    }

    @Test func noCursorSendsTheWholeRecordingFromItsStart() async throws {
        let frames = recording.frames
        let received = try await LiveTest.withServer(configuration) { server in
            try await LiveTest.collect(server, cursor: nil, limit: 10)
        }
        #expect(received.frames == Array(frames.prefix(10)))
    }

    @Test func aCursorInTheMiddleSendsOnlyLaterSeqs() async throws {
        let frames = recording.frames
        let seqs = recording.seqs
        let middle = frames.count / 2
        let cursor = try #require(seqs[middle])
        let remaining = frames.count - middle - 1
        let received = try await LiveTest.withServer(configuration) { server in
            try await LiveTest.collect(server, cursor: cursor, limit: remaining)
        }
        #expect(received.frames == Array(frames[(middle + 1)...]))
        #expect(received.frames.compactMap { FramePeek($0).seq }.allSatisfy { $0 > cursor })
    }

    @Test func aCursorAtTheLastSeqSendsNothingAndStaysOpen() async throws {
        let last = try #require(recording.seqs.compactMap { $0 }.max())
        let stillOpen = try await LiveTest.withServer(configuration) { server in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    _ = try await LiveTest.collect(server, cursor: last, limit: 1)
                    return false  // a frame arrived or the server closed
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(1))
                    return true
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
        }
        #expect(stillOpen)
    }

    @Test func aCursorBeyondTheEndGetsFutureCursorThenClose() async throws {
        let last = try #require(recording.seqs.compactMap { $0 }.max())
        let received = try await LiveTest.withServer(configuration) { server in
            try await LiveTest.collect(server, cursor: last + 1000, limit: 10)
        }
        #expect(received.frames.count == 1)
        let peek = FramePeek(try #require(received.frames.first))
        #expect(peek.errorName == "FutureCursor")
        #expect(received.closed)
    }

    @Test func twoClientsAtOnceEachGetTheirOwnCursor() async throws {
        let frames = recording.frames
        let seqs = recording.seqs
        let cursor = try #require(seqs[99])
        let (all, later) = try await LiveTest.withServer(configuration) { server in
            async let first = LiveTest.collect(server, cursor: 0, limit: frames.count)
            async let second = LiveTest.collect(server, cursor: cursor, limit: frames.count - 100)
            return try await (first, second)
        }
        #expect(all.frames == frames)
        #expect(later.frames == Array(frames[100...]))
    }

    @Test func closeAfterThenReconnectResumesWithNoGapAndNoDuplicate() async throws {
        var configuration = self.configuration
        configuration.closeAfter = 150
        let expectedSeqs = recording.seqs.compactMap { $0 }
        let total = recording.frames.count
        let (frames, result) = try await LiveTest.withServer(configuration) { server in
            let relay = try RelayURL(server.url)
            let subscription = FirehoseSubscription(
                configuration: SubscriptionConfiguration(relay: relay, backoff: Backoff(base: .milliseconds(50))),
                logger: LiveTest.logger)
            let collected = Locked<[IncomingFrame]>([])
            let result = try await subscription.run(cursor: 0) { frame in
                let count = collected.withLock { $0.append(frame); return $0.count }
                return count < total
            }
            return (collected.withLock { $0 }, result)
        }
        #expect(result.end == .stopped)
        #expect(result.connections >= total / 150)
        #expect(frames.map(\.index) == Array(0..<frames.count))
        #expect(frames.compactMap { FramePeek($0.bytes).seq } == expectedSeqs)
        #expect(frames.map(\.bytes) == recording.frames)
    }

    @Test func didDocumentsAreServedFromTheIdentities() async throws {
        let did = try #require(try recording.dids().first)
        let (document, missing, health) = try await LiveTest.withServer(configuration) { server in
            let base = "http://127.0.0.1:\(server.port)"
            let document = try await Self.get(base + "/" + did)
            let missing = try await Self.get(base + "/did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")
            let health = try await Self.get(base + "/xrpc/_health")
            return (document, missing, health)
        }
        #expect(document.status == 200)
        let object = try #require(try JSONSerialization.jsonObject(with: document.body) as? [String: Any])
        #expect(object["id"] as? String == did)
        let methods = try #require(object["verificationMethod"] as? [[String: Any]])
        #expect(methods.first?["id"] as? String == did + "#atproto")
        #expect(methods.first?["type"] as? String == "Multikey")
        #expect((methods.first?["publicKeyMultibase"] as? String)?.hasPrefix("z") == true)
        let services = try #require(object["service"] as? [[String: Any]])
        #expect(services.first?["id"] as? String == "#atproto_pds")
        #expect(!String(decoding: document.body, as: UTF8.self).contains("privateKey"))
        #expect(missing.status == 404)
        #expect(health.status == 200)
    }

    @Test func getRepoServesCARsFromTheReposFolderAndRepoNotFoundOtherwise() async throws {
        let did = try #require(try recording.dids().first)
        let repos = FileManager.default.temporaryDirectory.appendingPathComponent("bw-repos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: repos, withIntermediateDirectories: true)
        let car: [UInt8] = Array(repeating: 7, count: 200_000)
        try Data(car).write(to: repos.appendingPathComponent(did.replacingOccurrences(of: ":", with: "_") + ".car"))
        var configuration = self.configuration
        configuration.reposDirectory = repos.path
        let (found, absent, invalid) = try await LiveTest.withServer(configuration) { server in
            let base = "http://127.0.0.1:\(server.port)/xrpc/com.atproto.sync.getRepo?did="
            return (try await Self.get(base + did), try await Self.get(base + "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"),
                    try await Self.get(base + "not-a-did"))
        }
        #expect(found.status == 200)
        #expect(found.contentType == "application/vnd.ipld.car")
        #expect([UInt8](found.body) == car)
        #expect(absent.status == 404)
        let error = try #require(try JSONSerialization.jsonObject(with: absent.body) as? [String: Any])
        #expect(error["error"] as? String == "RepoNotFound")
        #expect(invalid.status == 400)
    }

    struct HTTPAnswer: Sendable {
        var status: Int
        var contentType: String?
        var body: Data
    }

    static func get(_ url: String) async throws -> HTTPAnswer {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return HTTPAnswer(status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type"), body: data)
    }
}
