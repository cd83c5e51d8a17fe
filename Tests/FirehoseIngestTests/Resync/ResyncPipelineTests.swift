import ATIdentity
import ATCrypto
import ATRepo
import BreakwaterNet
import FirehoseIngest
import FirehoseRelay
import FirehoseStore
import FirehoseSync
import FirehoseSynth
import FirehoseTesting
import Foundation
import IPLD
import Synchronization
import Testing

/// Resync in the live pipeline (Docs/SPEC.md §7.5, Docs/CONTRACT.md §3 step 3 and §5): chain breaks fetch the repository
/// from `serve --repos` over HTTP, verify it, make it the new base in order with the account's events, and
/// reconcile mirrors.
@Suite(.timeLimit(.minutes(2))) struct ResyncPipelineTests {
    /// A synthetic stream whose `#sync` frames after a chain break are left out (so only a resync can restore
    /// the account), written as a recording with the final repository of every account in `repos/`.
    struct Scenario {
        let folder: URL
        let frames: [[UInt8]]
        let lines: [OutcomeLine]
        let identities: Data
        let repositories: [String: [UInt8]]
        let start: Int64

        init(_ configuration: SynthConfiguration) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-resync-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("repos"), withIntermediateDirectories: true)
            var frames: [[UInt8]] = []
            var lines: [OutcomeLine] = []
            var broken = Set<String>()
            var generator = SynthGenerator(configuration: configuration) { event in
                if event.expected.reason == .chainBreak, let did = event.expected.did { broken.insert(did) }
                if event.expected.type == .sync, let did = event.expected.did, broken.contains(did) { return }
                frames.append(event.frame)
                lines.append(event.expected)
            }
            try generator.run()
            var file: [UInt8] = []
            for frame in frames { file.append(contentsOf: RecordingDecoder.encode(frame: frame)) }
            try Data(file).write(to: folder.appendingPathComponent("frames.bin"))
            identities = try generator.identitiesJSON()
            try identities.write(to: folder.appendingPathComponent("identities.json"))
            var repositories: [String: [UInt8]] = [:]
            for (did, car) in try generator.repositoryCARs() {
                repositories[did] = car
                try Data(car).write(to: folder.appendingPathComponent("repos/" + did.replacingOccurrences(of: ":", with: "_") + ".car"))
            }
            self.frames = frames
            self.lines = lines
            self.repositories = repositories
            self.start = configuration.startMicros
        }

        var brokenDIDs: Set<String> { Set(lines.filter { $0.reason == .chainBreak }.compactMap(\.did)) }
        var now: @Sendable () -> Int64 { let at = start + 86_400_000_000; return { at } }
        func keys() throws -> StaticIdentityDirectory { try StaticIdentityDirectory(data: identities) }
        func server(repos: Bool) -> RelayServerConfiguration {
            RelayServerConfiguration(recording: RecordingLocation(path: folder.path),
                                     identitiesPath: folder.appendingPathComponent("identities.json").path,
                                     reposDirectory: repos ? folder.appendingPathComponent("repos").path : nil)
        }
        func cleanUp() { try? FileManager.default.removeItem(at: folder) }

        /// The final repository of `did`, verified.
        func finalRepository(_ did: String) async throws -> ResyncRepository {
            let car = try #require(repositories[did])
            let key = await (try keys()).signingKey(for: did, seq: nil, fresh: false)
            guard case .verified(let repository) = RepositoryCheck().check(did: did, car: car, key: key, time: VerificationTime(micros: now())) else {
                throw CocoaError(.fileReadCorruptFile)
            }
            return repository
        }
    }

    /// Frames from memory; after the last one, waits until every frame is stored (the pipeline reads ahead of its
    /// workers, so a chain break may not have been seen yet when the last frame is read) and no resync is pending.
    struct DrainingFrames: AsyncSequence, Sendable {
        let frames: [[UInt8]]
        let coordinator: ResyncCoordinator?
        let range: Range<Int>
        let store: SQLiteStateStore
        var onEnd: @Sendable () -> Void = {}

        struct AsyncIterator: AsyncIteratorProtocol {
            let source: DrainingFrames
            var next: Int
            mutating func next() async -> IncomingFrame? {
                if next < source.range.upperBound {
                    defer { next += 1 }
                    return IncomingFrame(index: next, bytes: source.frames[next], cursorPosition: Int64(next))
                }
                source.onEnd()
                let last = Int64(source.range.upperBound - 1)
                while source.range.count > 0, (try? source.store.cursor(upstream: "test")) != last {
                    guard (try? await Task.sleep(for: .milliseconds(20))) != nil else { return nil }
                }
                while let coordinator = source.coordinator, coordinator.pendingCount > 0 {
                    guard (try? await Task.sleep(for: .milliseconds(20))) != nil else { return nil }
                }
                return nil
            }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self, next: range.lowerBound) }
    }

    /// Runs `scenario`'s frames in `range` through a pipeline with resyncs fetched from `relay`.
    static func run(_ scenario: Scenario, store: SQLiteStateStore, relay: String?, range: Range<Int>? = nil,
                    resync configuration: ResyncConfiguration = ResyncConfiguration(concurrency: 2, initialBackoff: .milliseconds(20)),
                    backfill: [String] = [], fetcher custom: (any RepoFetcher)? = nil,
                    onEnd: @escaping @Sendable () -> Void = {}) async throws -> PipelineSummary {
        let keys = try scenario.keys()
        let fetcher = HTTPRepoFetcher(relay: relay, pds: nil,
                                      configuration: RepoFetchConfiguration(totalTimeout: .seconds(20), allowHTTPLoopback: true,
                                                                            perHostLimit: .init(perSecond: 1000, burst: 1000)),
                                      logger: LiveTest.logger)
        let coordinator = (relay != nil || custom != nil) ? ResyncCoordinator(
            configuration: configuration, fetcher: custom ?? fetcher, keys: keys, logger: LiveTest.logger, now: scenario.now) : nil
        for did in backfill { coordinator?.request(did, reason: "test backfill") }
        let pipeline = VerificationPipeline(
            configuration: PipelineConfiguration(workers: 2, batchSize: 16, chunkSize: 1, upstream: "test", flushInterval: .milliseconds(20),
                                                 mirrors: try store.mirrors.filters(), now: scenario.now),
            store: store, keys: keys, resync: coordinator)
        let summary = try await pipeline.run(DrainingFrames(frames: scenario.frames, coordinator: coordinator,
                                                            range: range ?? 0..<scenario.frames.count, store: store, onEnd: onEnd))
        await fetcher.shutdown()
        return summary
    }

    /// Records of a mirror by path → CID.
    static func mirrorEntries(_ store: SQLiteStateStore, did: String) throws -> [String: CID] {
        Dictionary(uniqueKeysWithValues: try store.mirrors.records(did: did, limit: 1_000_000).map { ("\($0.collection)/\($0.rkey)", $0.cid) })
    }

    /// Records of a repository CAR by path → CID.
    static func repositoryEntries(_ car: [UInt8]) throws -> [String: CID] {
        var reader = try CARReader(bytes: car)
        var blocks = BlockMap()
        while let block = try reader.nextBlock() { blocks.insert(Array(block.data), for: block.cid) }
        let repository = try Repository(commit: reader.roots[0], blocks: blocks)
        var entries: [String: CID] = [:]
        try repository.tree.forEach { (key: [UInt8], value: CID) throws(ATRepoError) -> Bool in
            entries[String(decoding: key, as: UTF8.self)] = value
            return true
        }
        return entries
    }

    @Test func chainBreakResyncsThroughServeAndTheAccountReturnsToSynchronized() async throws {
        let scenario = try Scenario(SynthConfiguration(repos: 6, commits: 240, seed: 3, faultRate: 0.04, faultKinds: [.chainBreak]))
        defer { scenario.cleanUp() }
        let broken = scenario.brokenDIDs
        try #require(!broken.isEmpty)
        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        let summary = try await LiveTest.withServer(scenario.server(repos: true)) { server in
            try await Self.run(scenario, store: store, relay: "ws://127.0.0.1:\(server.port)")
        }
        // Every frame has exactly one outcome line, and the cursor covers them all.
        #expect(summary.events == scenario.frames.count)
        #expect(try store.cursor(upstream: "test") == Int64(scenario.frames.count - 1))
        #expect(summary.byReason[.chainBreak, default: 0] >= broken.count)
        #expect(summary.resyncs.succeeded >= broken.count)
        #expect(summary.resyncs.gaveUp == 0)
        // The per-host scorecard counts each resync once started and once completed .
        let hosts = try store.audit.report(topAccounts: 0).hosts
        #expect(hosts.reduce(0) { $0 + $1.resyncsStarted } == summary.resyncs.succeeded)
        #expect(hosts.reduce(0) { $0 + $1.resyncsCompleted } == summary.resyncs.succeeded)
        let states = try store.accounts(Array(broken))
        for did in broken {
            let state = try #require(states[did])
            let repository = try await scenario.finalRepository(did)
            #expect(state.sync == .synchronized, "\(did)")
            #expect(state.rev == repository.rev && state.data == repository.data && state.commit == repository.commit, "\(did)")
        }
        #expect(try store.status.accountsNeedingResync(limit: 100).isEmpty)
        print("resync: \(broken.count) broken accounts, \(summary.resyncs)")
    }

    @Test func failedResyncsBackOffAndLeaveTheAccountDesynchronized() async throws {
        let scenario = try Scenario(SynthConfiguration(repos: 5, commits: 120, seed: 4, faultRate: 0.04, faultKinds: [.chainBreak]))
        defer { scenario.cleanUp() }
        let broken = scenario.brokenDIDs
        try #require(!broken.isEmpty)
        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        let summary = try await LiveTest.withServer(scenario.server(repos: false)) { server in  // getRepo: 404
            try await Self.run(scenario, store: store, relay: "http://127.0.0.1:\(server.port)",
                               resync: ResyncConfiguration(concurrency: 2, maxAttempts: 3, initialBackoff: .milliseconds(10)))
        }
        #expect(summary.resyncs.gaveUp == summary.resyncs.scheduled)
        #expect(summary.resyncs.failed == 3 * summary.resyncs.scheduled)
        #expect(summary.resyncs.succeeded == 0)
        let states = try store.accounts(Array(broken))
        for did in broken { #expect(states[did]?.sync == .desynchronized, "\(did)") }
        // A restart finds them and schedules them again.
        #expect(Set(try store.status.accountsNeedingResync(limit: 100)) == broken)
        #expect(try store.cursor(upstream: "test") == Int64(scenario.frames.count - 1))
    }

    @Test func mirrorsBackfilledOrFollowedEqualTheFinalRepositories() async throws {
        let scenario = try Scenario(SynthConfiguration(repos: 6, commits: 300, seed: 9))
        defer { scenario.cleanUp() }
        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        let dids = scenario.repositories.keys.sorted()
        let mirrored = Array(dids.prefix(4))
        for did in mirrored { try store.mirrors.register(did: did, filter: .all) }
        // Two are backfilled with getRepo at start (as consume does for a new --mirror); the others follow the
        // stream from their first commit, or are backfilled when the repository existed before the stream.
        let startsWithSync = Set(mirrored.filter { did in scenario.lines.first { $0.did == did && ($0.type == .commit || $0.type == .sync) }?.type == .sync })
        let backfill = Array(Set(mirrored.prefix(2)).union(startsWithSync))
        let summary = try await LiveTest.withServer(scenario.server(repos: true)) { server in
            try await Self.run(scenario, store: store, relay: "http://127.0.0.1:\(server.port)", backfill: backfill)
        }
        #expect(summary.resyncs.succeeded == backfill.count)
        #expect(summary.byOutcome[.rejected, default: 0] == 0)
        for did in mirrored {
            let info = try #require(try store.mirrors.mirror(did: did))
            #expect(info.stale == nil, "\(did): \(info.stale ?? "")")
            let car = try #require(scenario.repositories[did])
            #expect(try Self.mirrorEntries(store, did: did) == (try Self.repositoryEntries(car)), "\(did)")
            var exported: [UInt8] = []
            _ = try store.mirrors.export(did: did) { exported.append(contentsOf: $0) }
            #expect(try Self.repositoryEntries(exported) == (try Self.repositoryEntries(car)), "\(did)")
            #expect(info.data == (try await scenario.finalRepository(did)).data)
        }
    }

    /// A mirror backfill that completes after an account's #identity/#account but before its first #sync gives the
    /// account its base: the older #sync that follows is a stale rev and the mirror stays fresh (the order the
    /// previous test meets only sometimes, forced here).
    @Test func aBackfillBeforeTheFirstSyncBecomesTheBaseAndTheOlderSyncLeavesTheMirrorFresh() async throws {
        let scenario = try Scenario(SynthConfiguration(repos: 6, commits: 300, seed: 9))
        defer { scenario.cleanUp() }
        let did = try #require(scenario.repositories.keys.sorted().first { did in
            scenario.lines.first { $0.did == did && ($0.type == .commit || $0.type == .sync) }?.type == .sync
        })
        let sync = try #require(scenario.lines.firstIndex { $0.did == did && $0.type == .sync })
        try #require(scenario.lines[..<sync].contains { $0.did == did })  // #identity/#account came first
        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        try store.mirrors.register(did: did, filter: .all)
        _ = try await Self.run(scenario, store: store, relay: nil, range: 0..<sync)
        let known = try #require(try store.accounts([did])[did])
        #expect(known.data == nil)

        let final = try await scenario.finalRepository(did)
        let backfill = try await Self.run(scenario, store: store, relay: nil, range: sync..<sync, backfill: [did],
                                          fetcher: GatedFetcher(car: try #require(scenario.repositories[did]), open: true))
        #expect(backfill.resyncs.succeeded == 1)
        let based = try #require(try store.accounts([did])[did])
        #expect(based.rev == final.rev && based.data == final.data && based.sync == .synchronized)

        let rest = try await Self.run(scenario, store: store, relay: nil, range: sync..<scenario.frames.count)
        #expect(rest.byOutcome[.rejected, default: 0] == 0)
        #expect(try store.mirrors.mirror(did: did)?.stale == nil)
        #expect(try Self.mirrorEntries(store, did: did) == (try Self.repositoryEntries(try #require(scenario.repositories[did]))))
    }

    @Test func chainBreakResyncReconcilesTheMirrorWithCreatesUpdatesAndDeletes() async throws {
        let scenario = try Scenario(SynthConfiguration(repos: 5, commits: 400, seed: 21, faultRate: 0.03, faultKinds: [.chainBreak]))
        defer { scenario.cleanUp() }
        let broken = scenario.brokenDIDs.sorted()
        try #require(!broken.isEmpty)
        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        for did in scenario.repositories.keys { try store.mirrors.register(did: did, filter: .all) }
        // Mirrors that need a repository from before the stream are backfilled first.
        let startsWithSync = scenario.repositories.keys.filter { did in
            scenario.lines.first { $0.did == did && ($0.type == .commit || $0.type == .sync) }?.type == .sync
        }

        // What each broken mirror held when its chain broke: the same stream without resync, up to the break.
        var created = 0, updated = 0, deleted = 0
        for did in broken {
            let breakIndex = try #require(scenario.lines.firstIndex { $0.did == did && $0.reason == .chainBreak })
            let scratchPath = TemporaryDatabase().path
            defer { TemporaryDatabase.remove(scratchPath) }
            let scratch = try SQLiteStateStore(path: scratchPath)
            try scratch.mirrors.register(did: did, filter: .all)
            _ = try await Self.run(scenario, store: scratch, relay: nil, range: 0..<(breakIndex + 1))
            let before = try Self.mirrorEntries(scratch, did: did)
            let after = try Self.repositoryEntries(try #require(scenario.repositories[did]))
            created += after.keys.filter { before[$0] == nil }.count
            deleted += before.keys.filter { after[$0] == nil }.count
            updated += after.filter { before[$0.key] != nil && before[$0.key] != $0.value }.count
        }
        #expect(created > 0 && updated > 0 && deleted > 0, "created \(created), updated \(updated), deleted \(deleted)")
        print("mirror reconciliation: \(broken.count) broken mirrors; since the break \(created) created, \(updated) updated, \(deleted) deleted")

        let summary = try await LiveTest.withServer(scenario.server(repos: true)) { server in
            try await Self.run(scenario, store: store, relay: "http://127.0.0.1:\(server.port)", backfill: startsWithSync)
        }
        #expect(summary.resyncs.succeeded >= broken.count)
        for did in scenario.repositories.keys.sorted() {
            let info = try #require(try store.mirrors.mirror(did: did))
            #expect(info.stale == nil, "\(did): \(info.stale ?? "")")
            let car = try #require(scenario.repositories[did])
            #expect(try Self.mirrorEntries(store, did: did) == (try Self.repositoryEntries(car)), "\(did)")
        }
        let states = try store.accounts(broken)
        for did in broken { #expect(states[did]?.sync == .synchronized, "\(did)") }
    }

    /// A fetcher that answers with a fixed repository once released (so events arrive while the resync runs).
    final class GatedFetcher: RepoFetcher {
        let car: [UInt8]
        let open: Mutex<Bool>
        init(car: [UInt8], open: Bool = false) { self.car = car; self.open = Mutex(open) }
        func fetchRepository(did: String) async throws -> [UInt8] {
            while !open.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
            return car
        }
    }

    @Test func eventsHeldDuringAResyncAreAppliedAfterTheNewBaseWhenTheyChain() async throws {
        let scenario = try Scenario(SynthConfiguration(repos: 3, commits: 150, seed: 13))
        defer { scenario.cleanUp() }
        // An account followed from its first commit, with enough commits.
        let did = try #require(scenario.repositories.keys.sorted().first { did in
            let lines = scenario.lines.filter { $0.did == did && ($0.type == .commit || $0.type == .sync) }
            return lines.first?.type == .commit && lines.filter { $0.outcome == .verified }.count >= 10
        })
        let commits = scenario.lines.indices.filter { scenario.lines[$0].did == did && scenario.lines[$0].type == .commit }
        let k = commits.count / 2
        // The repository as it stood after commit k: a mirror that followed the stream, exported.
        let scratchPath = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(scratchPath) }
        let scratch = try SQLiteStateStore(path: scratchPath)
        try scratch.mirrors.register(did: did, filter: .all)
        _ = try await Self.run(scenario, store: scratch, relay: nil, range: 0..<(commits[k] + 1))
        var repoK: [UInt8] = []
        _ = try scratch.mirrors.export(did: did) { repoK.append(contentsOf: $0) }

        // The verifier is 3 commits behind that when the account is marked for resync.
        let path = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(path) }
        let store = try SQLiteStateStore(path: path)
        try store.mirrors.register(did: did, filter: .all)
        let resume = commits[k - 2]
        _ = try await Self.run(scenario, store: store, relay: nil, range: 0..<resume)
        var state = try #require(try store.accounts([did])[did])
        state.sync = .resyncing
        var batch = StoreBatch()
        batch.accounts[did] = state
        try store.write(batch)

        let fetcher = GatedFetcher(car: repoK)
        let summary = try await Self.run(scenario, store: store, relay: nil, range: resume..<scenario.frames.count,
                                         backfill: [did], fetcher: fetcher, onEnd: { fetcher.open.withLock { $0 = true } })
        let later = commits.filter { $0 > commits[k] }.count
        #expect(summary.resyncs.succeeded == 1)
        #expect(summary.resyncs.queuedApplied == later)
        #expect(summary.resyncs.queuedDropped == 3)
        #expect(summary.byReason[.repoDesynchronized, default: 0] == later + 3)
        let final = try await scenario.finalRepository(did)
        let after = try #require(try store.accounts([did])[did])
        #expect(after.sync == .synchronized && after.rev == final.rev && after.data == final.data)
        #expect(try store.mirrors.mirror(did: did)?.stale == nil)
        #expect(try Self.mirrorEntries(store, did: did) == (try Self.repositoryEntries(try #require(scenario.repositories[did]))))
        print("held events: \(summary.resyncs)")
    }
}
