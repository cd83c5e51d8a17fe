import FirehosePostgres
import FirehoseStore
import FirehoseSync
import Foundation
import IPLD
import Testing

/// The store port's rules, checked with the same code on every backend (SQLite, and PostgreSQL when
/// `BREAKWATER_TEST_POSTGRES` names a server).
@Suite("store contract on every backend", .serialized)
struct StoreContractTests {
    static let upstream = "wss://relay.test"
    static let did = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"
    static let older = "3kaaaaaaaaa22"
    static let newer = "3kaaaaaaaab22"

    static func state(_ did: String, rev: String?, seq: Int64, sync: SyncState = .synchronized, status: String? = nil) -> AccountState {
        let data = CID.compute(for: Array((rev ?? "-").utf8))
        return AccountState(did: did, rev: rev, data: rev == nil ? nil : data, commit: rev == nil ? nil : data,
                            active: status == nil, status: status, sync: sync, lastSeq: seq)
    }

    static func outcome(_ index: Int, did: String, outcome: Outcome, reason: Reason? = nil, frame: [UInt8]? = nil) -> RecordedOutcome {
        RecordedOutcome(line: OutcomeLine(index: index, seq: Int64(100 + index), type: .commit, did: did, rev: newer,
                                          outcome: outcome, reason: reason, detail: reason == nil ? nil : "detail \(index)"),
                        frame: frame, processedAt: 1_700_000_000_000_000 + Int64(index))
    }

    static func batch(_ states: [AccountState], cursor: Int64?, outcomes: [RecordedOutcome] = []) -> StoreBatch {
        var batch = StoreBatch()
        for state in states { batch.accounts[state.did] = state }
        batch.outcomes = outcomes
        batch.cursor = cursor.map { (upstream: upstream, position: $0) }
        return batch
    }

    @Test("a stored rev never moves backwards; an equal rev still updates the status", arguments: StoreBackend.allCases)
    func revNeverMovesBackwards(backend: StoreBackend) throws {
        try backend.withFreshDatabase("revNeverMovesBackwards") { database in
            let store = try database.open()
            try store.state.write(Self.batch([Self.state(Self.did, rev: Self.newer, seq: 2)], cursor: 2))
            try store.state.write(Self.batch([Self.state(Self.did, rev: Self.older, seq: 3)], cursor: 3))
            #expect(try store.state.accounts([Self.did])[Self.did]?.rev == Self.newer)
            #expect(try store.state.accounts([Self.did])[Self.did]?.lastSeq == 2)
            try store.state.write(Self.batch([Self.state(Self.did, rev: Self.newer, seq: 4, status: "takendown")], cursor: 4))
            let stored = try store.state.accounts([Self.did])[Self.did]
            #expect(stored?.status == "takendown" && stored?.active == false && stored?.lastSeq == 4)
            // A rev-less state never erases a stored rev.
            try store.state.write(Self.batch([Self.state(Self.did, rev: nil, seq: 5)], cursor: 5))
            #expect(try store.state.accounts([Self.did])[Self.did]?.rev == Self.newer)
            // The outcome counters are still added when the state is kept.
            var counted = Self.batch([Self.state(Self.did, rev: Self.older, seq: 6)], cursor: 6,
                                     outcomes: [Self.outcome(1, did: Self.did, outcome: .rejected, reason: .badSignature, frame: [1, 2, 3])])
            counted.cursor = (upstream: Self.upstream, position: 6)
            try store.state.write(counted)
            let audit = try store.reader.auditReport(topAccounts: 5)
            #expect(audit.accounts.first?.did == Self.did && audit.accounts.first?.rejected == 1)
            #expect(try store.state.cursor(upstream: Self.upstream) == 6)
        }
    }

    @Test("one batch writes its states, outcomes, frames and cursor together", arguments: StoreBackend.allCases)
    func oneBatchIsWrittenWhole(backend: StoreBackend) throws {
        try backend.withFreshDatabase("oneBatchIsWrittenWhole") { database in
            let store = try database.open()
            let other = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"
            let outcomes = [
                Self.outcome(0, did: Self.did, outcome: .verified),
                Self.outcome(1, did: other, outcome: .rejected, reason: .badSignature, frame: [0xa2, 0x61]),
                Self.outcome(2, did: other, outcome: .ignored, reason: .staleRev, frame: [9]),
            ]
            try store.state.write(Self.batch([Self.state(Self.did, rev: Self.newer, seq: 1), Self.state(other, rev: Self.older, seq: 3)],
                                             cursor: 102, outcomes: outcomes))
            let reopened = try database.open()
            #expect(try reopened.state.accounts([Self.did, other]).count == 2)
            #expect(try reopened.state.cursor(upstream: Self.upstream) == 102)
            let summary = try reopened.reader.summary(recentViolations: 10)
            #expect(summary.outcomes["verified"] == 1 && summary.outcomes["rejected/bad-signature"] == 1 && summary.outcomes["ignored/stale-rev"] == 1)
            #expect(summary.accounts["total"] == 2)
            #expect(summary.recentViolations.map(\.line.index) == [2, 1])
            #expect(try reopened.reader.violation(seq: 101)?.frame == [0xa2, 0x61])
            #expect(try reopened.reader.violation(seq: 102)?.frame == nil, "only rejected outcomes keep their frame")
            #expect(try reopened.reader.violations(did: other, sinceMicros: nil, limit: 10).count == 2)
        }
    }

    @Test("a fenced batch after a takeover fails with lease-lost and writes nothing", arguments: StoreBackend.allCases)
    func fencedWriteAfterTakeoverFails(backend: StoreBackend) throws {
        try backend.withFreshDatabase("fencedWriteAfterTakeoverFails") { database in
            let store = try database.open()
            guard let leases = store.leases else {
                print("note: fencedWriteAfterTakeoverFails [\(backend)] skipped: this backend keeps no leases")
                return
            }
            let key = LeaseKey(upstream: Self.upstream, partition: Partition.whole)
            let first = try #require(try leases.acquire(key, holder: "first", ttlMicros: 1))
            var fenced = Self.batch([Self.state(Self.did, rev: Self.newer, seq: 1)], cursor: 1)
            fenced.fence = first
            try store.state.write(fenced)
            #expect(try store.state.cursor(upstream: Self.upstream) == 1)
            usleep(20_000)  // the one-microsecond lease has expired
            let second = try #require(try leases.acquire(key, holder: "second", ttlMicros: 60_000_000))
            #expect(second.epoch == first.epoch + 1)
            let other = "did:plc:cccccccccccccccccccccccc"
            var late = Self.batch([Self.state(other, rev: Self.newer, seq: 2)], cursor: 2,
                                  outcomes: [Self.outcome(5, did: other, outcome: .rejected, reason: .badSignature, frame: [1])])
            late.fence = first
            #expect(throws: (any Error).self) { try store.state.write(late) }
            do { try store.state.write(late) } catch { #expect(errorCode(error) == "lease-lost") }
            #expect(try store.state.cursor(upstream: Self.upstream) == 1)
            #expect(try store.state.accounts([other]).isEmpty)
            #expect(try store.reader.summary(recentViolations: 10).recentViolations.isEmpty)
            late.fence = second
            try store.state.write(late)
            #expect(try store.state.cursor(upstream: Self.upstream) == 2)
        }
    }

    @Test("leases: acquire, renew by the holder only, expiry, and an epoch that grows with each new holder", arguments: StoreBackend.allCases)
    func leaseLifecycle(backend: StoreBackend) throws {
        try backend.withFreshDatabase("leaseLifecycle") { database in
            let store = try database.open()
            guard let leases = store.leases else {
                print("note: leaseLifecycle [\(backend)] skipped: this backend keeps no leases")
                return
            }
            let key = LeaseKey(upstream: Self.upstream, partition: try #require(Partition(parsing: "1/2")))
            let a = try #require(try leases.acquire(key, holder: "a", ttlMicros: 60_000_000))
            #expect(a.epoch == 1 && a.holder == "a")
            #expect(try leases.acquire(key, holder: "b", ttlMicros: 60_000_000) == nil, "a live lease is not taken")
            let again = try #require(try leases.acquire(key, holder: "a", ttlMicros: 60_000_000))
            #expect(again.epoch == a.epoch, "the holder's own live lease is renewed, same epoch")
            let renewed = try leases.renew(a, ttlMicros: 120_000_000)
            #expect(renewed.epoch == a.epoch && renewed.expiresAt >= a.expiresAt)
            try leases.release(renewed)
            let b = try #require(try leases.acquire(key, holder: "b", ttlMicros: 60_000_000), "a released lease is free")
            #expect(b.epoch == a.epoch + 1)
            #expect(throws: (any Error).self) { _ = try leases.renew(a, ttlMicros: 60_000_000) }
            do { _ = try leases.renew(a, ttlMicros: 60_000_000) } catch { #expect(errorCode(error) == "lease-lost") }
            let short = try leases.renew(b, ttlMicros: 1)
            usleep(20_000)
            let c = try #require(try leases.acquire(key, holder: "c", ttlMicros: 60_000_000), "an expired lease is free")
            #expect(c.epoch == short.epoch + 1)
            let all = try leases.leases()
            #expect(all.count == 1 && all.first?.holder == "c" && all.first?.key == key)
        }
    }

    @Test("cursors are kept per partition; the whole stream's cursor is the partition 0/1", arguments: StoreBackend.allCases)
    func cursorPerPartition(backend: StoreBackend) throws {
        try backend.withFreshDatabase("cursorPerPartition") { database in
            let store = try database.open()
            let p0 = try #require(Partition(parsing: "0/2")), p1 = try #require(Partition(parsing: "1/2"))
            var first = Self.batch([], cursor: 10)
            first.partition = p0
            var second = Self.batch([], cursor: 7)
            second.partition = p1
            try store.state.write(first)
            try store.state.write(second)
            #expect(try store.state.cursor(upstream: Self.upstream, partition: p0) == 10)
            #expect(try store.state.cursor(upstream: Self.upstream, partition: p1) == 7)
            #expect(try store.state.cursor(upstream: Self.upstream) == nil)
            try store.state.write(Self.batch([], cursor: 3))
            #expect(try store.state.cursor(upstream: Self.upstream, partition: .whole) == 3)
            #expect(try store.state.cursor(upstream: Self.upstream, partition: p0) == 10)
        }
    }

    @Test("a cursor's rate is the positions it moved per second since its window began; one write gives none", arguments: StoreBackend.allCases)
    func cursorRate(backend: StoreBackend) throws {
        try backend.withFreshDatabase("cursorRate") { database in
            let store = try database.open()
            let p0 = try #require(Partition(parsing: "0/2"))
            let name = CursorKey.name(upstream: Self.upstream, partition: p0)
            var batch = Self.batch([], cursor: 100)
            batch.partition = p0
            let started = Date()
            try store.state.write(batch)
            #expect(try store.reader.summary(recentViolations: 0).cursorRates[name] == nil)
            Thread.sleep(forTimeInterval: 0.2)
            batch.cursor = (Self.upstream, 300)
            try store.state.write(batch)
            let elapsed = Date().timeIntervalSince(started)
            let rate = try #require(try store.reader.summary(recentViolations: 0).cursorRates[name])
            // 200 positions in at least 0.2 s and at most the time measured around both writes.
            #expect(rate <= 200 / 0.2 + 1 && rate >= 200 / elapsed - 1, "rate \(rate) after \(elapsed) s")
        }
    }

    @Test("opening a database again applies no migration twice and keeps the data", arguments: StoreBackend.allCases)
    func migrationsAreIdempotent(backend: StoreBackend) throws {
        try backend.withFreshDatabase("migrationsAreIdempotent") { database in
            let first = try database.open()
            try first.state.write(Self.batch([Self.state(Self.did, rev: Self.newer, seq: 1)], cursor: 1))
            let version = try first.schemaVersion()
            for _ in 0..<3 {
                let again = try database.open()
                #expect(try again.schemaVersion() == version)
                #expect(try again.state.accounts([Self.did])[Self.did]?.rev == Self.newer)
                #expect(try again.state.cursor(upstream: Self.upstream) == 1)
            }
        }
    }

    @Test("two partitions writing at once both commit, and the shared counts add up", arguments: StoreBackend.allCases)
    func concurrentPartitionWriters(backend: StoreBackend) throws {
        try backend.withFreshDatabase("concurrentPartitionWriters") { database in
            let partitions = [try #require(Partition(parsing: "0/2")), try #require(Partition(parsing: "1/2"))]
            let stores = try partitions.map { _ in try database.open() }
            let batches = 40, perBatch = 5
            let failures = FailureList()
            DispatchQueue.concurrentPerform(iterations: partitions.count) { worker in
                let partition = partitions[worker]
                do {
                    for n in 0..<batches {
                        var batch = StoreBatch()
                        batch.partition = partition
                        for k in 0..<perBatch {
                            let did = "did:plc:p\(worker)a\(k)aaaaaaaaaaaaaaaaaaaa"
                            batch.accounts[did] = Self.state(did, rev: "3kaaaaaaa\(String(format: "%02d", n))22", seq: Int64(n))
                            batch.outcomes.append(Self.outcome(n * perBatch + k, did: did, outcome: .applied))
                            batch.audit.hostDays[AuditTally.HostDay(host: "pds.test", day: "2026-12-05", outcome: .applied, reason: nil), default: 0] += 1
                            batch.audit.minutes[AuditTally.Minute(minute: 29_000_000, outcome: .applied), default: 0] += 1
                        }
                        batch.cursor = (upstream: Self.upstream, position: Int64(n))
                        try stores[worker].state.write(batch)
                    }
                } catch {
                    failures.add("\(partition): \(error)")
                }
            }
            #expect(failures.all.isEmpty, "\(failures.all)")
            let reader = try database.open()
            let summary = try reader.reader.summary(recentViolations: 0)
            #expect(summary.outcomes["applied"] == partitions.count * batches * perBatch)
            #expect(summary.accounts["total"] == partitions.count * perBatch)
            #expect(summary.hosts.first?.events == partitions.count * batches * perBatch)
            for partition in partitions {
                #expect(try reader.state.cursor(upstream: Self.upstream, partition: partition) == Int64(batches - 1))
            }
        }
    }
}

/// Failures collected from concurrent workers.
final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
