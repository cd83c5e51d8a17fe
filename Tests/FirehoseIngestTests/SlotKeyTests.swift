import ATCrypto
import ATIdentity
@testable import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// A key resolved over the network is kept in its account's slot: later events of the account consult no directory
/// until an event about its identity (or any unsigned event) or a signature failure with it; the cached-key-then-fresh
/// rule of Docs/CONTRACT.md §3 and every outcome stay as they were.
@Suite("Slot keys", .timeLimit(.minutes(3)))
struct SlotKeyTests {
    /// A network-like directory over an identities file, logging each look-up; with `staleCache`, a look-up that may
    /// use the cache answers with another account's key (as after an unseen rotation) and only a fresh one is right.
    final class CountingKeys: IdentityDirectory {
        let inner: StaticIdentityDirectory
        let staleCache: Bool
        let wrongKeyOf: String
        let requests = Locked<[(did: String, fresh: Bool)]>([])

        init(inner: StaticIdentityDirectory, staleCache: Bool, wrongKeyOf: String) {
            self.inner = inner
            self.staleCache = staleCache
            self.wrongKeyOf = wrongKeyOf
        }

        func signingKey(for did: String, seq: Int64?, fresh: Bool) async -> SigningKeyLookup {
            requests.withLock { $0.append((did, fresh)) }
            let answer = await inner.signingKey(for: staleCache && !fresh ? wrongKeyOf : did, seq: seq, fresh: fresh)
            guard case .key(let key, _) = answer else { return answer }
            return .key(key, fresh: fresh)
        }

        func purge(_ did: String) async {}
        func pdsEndpoint(for did: String) async -> String? { nil }
        func pdsHost(for did: String) async -> String? { "pds.\(did.suffix(4)).test" }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let faulty: Bool
        let staleCache: Bool
        let workers: Int
        var testDescription: String { "\(faulty ? "faulty" : "clean") recording, \(staleCache ? "stale" : "right") cache, \(workers) workers" }
    }

    static let cases = [Case(faulty: false, staleCache: false, workers: 1), Case(faulty: false, staleCache: true, workers: 2),
                        Case(faulty: true, staleCache: false, workers: 2), Case(faulty: true, staleCache: true, workers: 1)]

    @Test("outcomes are unchanged and a held key is not looked up again", arguments: cases)
    func aHeldKeyIsNotLookedUpAgainAndOutcomesAreUnchanged(_ test: Case) async throws {
        let recording = test.faulty ? SynthRecording.faulty : SynthRecording.clean
        let expected = try ExpectedOutcomes.load(recording.location.expected)
        let dids = try recording.dids()
        let keys = CountingKeys(inner: try StaticIdentityDirectory(path: recording.location.identities.path),
                                staleCache: test.staleCache, wrongKeyOf: try #require(dids.last))
        let database = TemporaryDatabase().path
        defer { TemporaryDatabase.remove(database) }
        let lines = OutcomeCollector()
        let pipeline = VerificationPipeline(
            configuration: PipelineConfiguration(workers: test.workers, chunkSize: 8, upstream: "test", now: LiveTest.now),
            store: try SQLiteStateStore(path: database), keys: keys, onOutcome: { lines.append($0) })
        _ = try await pipeline.run(KeyLaneTests.CountingFrames(frames: recording.frames, pulled: Locked(0)))
        #expect(lines.all.map(LiveTest.key) == expected.map(LiveTest.key))

        let requests = keys.requests.withLock { $0 }
        let signed = recording.frames.map(FramePeek.init).filter { $0.did != nil && ($0.type == "#commit" || $0.type == "#sync") }.count
        print("SlotKeys (\(test.testDescription)): \(requests.count) look-ups for \(signed) signed events")
        if test.faulty {
            // Signature failures and rotations add look-ups; still far fewer than one per signed event.
            #expect(requests.count < signed / 2)
        } else {
            // One look-up each time an account needs a key it does not hold (at first sight, and after each unsigned
            // event about it); with a stale cache two (the cached key, then the fresh one), except for the account whose
            // own key the stale cache gives.
            var holds: Set<String> = []
            var (needed, fresh) = (0, 0)
            for peek in recording.frames.map(FramePeek.init) {
                guard let did = peek.did else { continue }
                if peek.type == "#commit" || peek.type == "#sync" {
                    guard holds.insert(did).inserted else { continue }
                    needed += 1
                    if test.staleCache && did != keys.wrongKeyOf { fresh += 1 }
                } else {
                    holds.remove(did)
                }
            }
            #expect(requests.count == needed + fresh)
            #expect(requests.filter { $0.fresh }.count == fresh)
        }
    }
}

/// A key held in an account's slot is used for at most ``AccountTable/keyHoldLimit``: after that the directory (and
/// its cache, which decides how fresh a key must be) is asked again, so a rotated-out key cannot outlive the cache
/// just because no `#identity` event arrived.
@Suite("Slot key lifetime")
struct SlotKeyLifetimeTests {
    @Test func aHeldKeyIsUsedWithinTheHoldLimitAndNotAfterIt() throws {
        var table = AccountTable(capacity: 16)
        let did = TestRepo.did
        try TemporaryDatabase.with(label: "bw-slot") { path in try table.prefetch([did], store: SQLiteStateStore(path: path)) }
        table.setResolved(.key(TestRepo.key.publicKey, fresh: true), host: "pds.test", for: did)
        let start = ContinuousClock.now
        let held = try #require(table.resolved(did, now: start))
        #expect(held.host == "pds.test")
        guard case .key(_, let fresh) = held.key else { Issue.record("no key held"); return }
        #expect(!fresh, "a held key counts as a cached one: a signature failure with it asks for a fresh key")
        #expect(table.resolved(did, now: start + AccountTable.keyHoldLimit - .seconds(1)) != nil)
        #expect(table.resolved(did, now: start + AccountTable.keyHoldLimit + .seconds(1)) == nil)
        table.setResolved(nil, host: nil, for: did)
        #expect(table.resolved(did, now: start) == nil)
    }
}
