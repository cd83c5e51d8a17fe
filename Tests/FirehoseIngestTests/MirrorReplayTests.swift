import ATIdentity
import ATCrypto
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// Mirrors kept current by the verification pipeline (Docs/CONTRACT.md §3 step 10) over synthetic traffic.
@Suite struct MirrorReplayTests {
    /// A synthetic recording written to a temporary folder, with the final repository of every account.
    struct SynthRun {
        let folder: URL
        let identities: Data
        let repositories: [(did: String, car: [UInt8])]
        let expected: [OutcomeLine]

        init(_ configuration: SynthConfiguration) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-mirror-synth-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var frames: [UInt8] = []
            var lines: [OutcomeLine] = []
            var generator = SynthGenerator(configuration: configuration) { event in
                let length = UInt32(event.frame.count)
                frames.append(contentsOf: [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)])
                frames.append(contentsOf: event.frame)
                lines.append(event.expected)
            }
            try generator.run()
            try Data(frames).write(to: folder.appendingPathComponent("frames.bin"))
            identities = try generator.identitiesJSON()
            try identities.write(to: folder.appendingPathComponent("identities.json"))
            repositories = try generator.repositoryCARs()
            expected = lines
        }

        func cleanUp() { try? FileManager.default.removeItem(at: folder) }

        /// Replays into `store` with the store's mirrors.
        func replay(into store: SQLiteStateStore, policy: VerificationPolicy = .strict) async throws -> PipelineSummary {
            let keys = try StaticIdentityDirectory(data: identities)
            let start = SynthConfiguration(repos: 1, commits: 0, seed: 0).startMicros
            let pipeline = VerificationPipeline(
                configuration: PipelineConfiguration(workers: 2, policy: policy, batchSize: 16, chunkSize: 4,
                                                     upstream: "file:test", mirrors: try store.mirrors.filters(),
                                                     now: { start + 86_400_000_000 }),
                store: store, keys: keys)
            return try await pipeline.run(RecordingFrames(path: folder.appendingPathComponent("frames.bin").path))
        }

        func key(_ did: String) async throws -> PublicKey {
            guard case .key(let key, _) = await (try StaticIdentityDirectory(data: identities)).signingKey(for: did, seq: nil, fresh: false) else {
                throw CocoaError(.fileReadUnknown)
            }
            return key
        }
    }

    /// The records of a repository CAR by path, read through a mirror import into a scratch database.
    static func records(of car: [UInt8], did: String, key: PublicKey) throws -> [String: [UInt8]] {
        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        _ = try store.mirrors.importRepository(did: did, blocks: try CARBytesStream(bytes: car), key: key)
        return try records(in: store, did: did)
    }

    static func records(in store: SQLiteStateStore, did: String) throws -> [String: [UInt8]] {
        Dictionary(uniqueKeysWithValues: try store.mirrors.records(did: did, limit: 1_000_000).map { ("\($0.collection)/\($0.rkey)", $0.bytes) })
    }

    static func export(_ store: SQLiteStateStore, did: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try store.mirrors.export(did: did) { bytes.append(contentsOf: $0) }
        return bytes
    }

    @Test(.timeLimit(.minutes(1)))
    func replayedMirrorsEqualTheFinalRepositories() async throws {
        let run = try SynthRun(SynthConfiguration(repos: 12, commits: 400, seed: 7))
        defer { run.cleanUp() }
        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        for (did, _) in run.repositories { try store.mirrors.register(did: did, filter: .all) }
        let summary = try await run.replay(into: store)
        #expect(summary.byOutcome[.rejected, default: 0] == 0)

        var followedLive = 0
        for (did, car) in run.repositories {
            let info = try #require(try store.mirrors.mirror(did: did))
            let startedWithSync = run.expected.first { $0.did == did && ($0.type == .commit || $0.type == .sync) }?.type == .sync
            if startedWithSync {
                // A repository that existed before the stream cannot be followed without an import.
                #expect(info.stale != nil, "\(did)")
                let report = try store.mirrors.importRepository(did: did, blocks: try CARBytesStream(bytes: car), key: try await run.key(did))
                #expect(report.stale == nil)
            } else {
                #expect(info.stale == nil, "\(did): \(info.stale ?? "")")
                followedLive += 1
            }
            #expect(try Self.export(store, did: did) == car, "\(did)")
            #expect(try Self.records(in: store, did: did) == (try Self.records(of: car, did: did, key: try await run.key(did))))
        }
        print("mirror replay: \(run.repositories.count) mirrors, \(followedLive) followed live from their first commit")
        #expect(followedLive >= 3)
    }

    @Test(.timeLimit(.minutes(1)))
    func aChainBreakMarksTheMirrorStaleAndAReimportReconciles() async throws {
        let run = try SynthRun(SynthConfiguration(repos: 8, commits: 300, seed: 11, faultRate: 0.1, faultKinds: [.chainBreak]))
        defer { run.cleanUp() }
        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        for (did, _) in run.repositories { try store.mirrors.register(did: did, filter: .all) }
        _ = try await run.replay(into: store)

        let broken = Set(run.expected.filter { $0.reason == .chainBreak }.compactMap(\.did))
        #expect(!broken.isEmpty)
        var reconciled = 0
        for (did, car) in run.repositories {
            let info = try #require(try store.mirrors.mirror(did: did))
            let startedWithSync = run.expected.first { $0.did == did && ($0.type == .commit || $0.type == .sync) }?.type == .sync
            if broken.contains(did) || startedWithSync {
                #expect(info.stale != nil, "\(did)")
                if broken.contains(did) && !startedWithSync { #expect(info.stale?.contains("chain-break") == true, "\(info.stale ?? "")") }
                let report = try store.mirrors.importRepository(did: did, blocks: try CARBytesStream(bytes: car), key: try await run.key(did))
                #expect(report.stale == nil && report.accountUpdated)
                if !startedWithSync {
                    #expect(report.created > 0, "the commits lost to the break are created by the resync")
                    reconciled += 1
                }
                #expect(try store.mirrors.mirror(did: did)?.stale == nil)
                #expect(try store.accounts([did])[did]?.sync == .synchronized)
            } else {
                #expect(info.stale == nil)
            }
            #expect(try Self.export(store, did: did) == car, "\(did)")
        }
        #expect(reconciled >= 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFilteredMirrorKeepsOnlyItsCollections() async throws {
        let run = try SynthRun(SynthConfiguration(repos: 6, commits: 250, seed: 3))
        defer { run.cleanUp() }
        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        let filter = try MirrorFilter(["app.bsky.feed.post", "app.bsky.actor.*"])
        for (did, _) in run.repositories { try store.mirrors.register(did: did, filter: filter) }
        _ = try await run.replay(into: store)
        var checked = 0
        for (did, car) in run.repositories {
            guard let info = try store.mirrors.mirror(did: did), info.stale == nil else { continue }
            let full = try Self.records(of: car, did: did, key: try await run.key(did))
            let kept = full.filter { filter.matches($0.key.split(separator: "/")[0]) }
            #expect(try Self.records(in: store, did: did) == kept)
            #expect(info.data != nil)
            checked += 1
        }
        #expect(checked >= 2)
    }
}
