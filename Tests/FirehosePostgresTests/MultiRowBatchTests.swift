import FirehosePostgres
import FirehoseStore
import FirehoseSync
import Foundation
import IPLD
import Testing

/// A batch is written as a few multi-row statements (one per table) on PostgreSQL: every backend must read back the
/// same figures from the same batches, whatever the mix of rows — NULL fields, every outcome and reason, frames,
/// non-ASCII text, accounts with counters only, revs that go backwards, every kind of audit increment.
@Suite("multi-row batches read back alike on every backend", .serialized)
struct MultiRowBatchTests {
    static let upstream = "wss://relay.test"

    /// Deterministic batches: `batches` of `events` events over `accounts` DIDs.
    static func batches(count batches: Int, events: Int, accounts: Int) -> [StoreBatch] {
        let reasons = Reason.allCases, outcomes = Outcome.allCases, types = EventType.allCases
        let warnings = ConformanceWarning.allCases
        var result: [StoreBatch] = []
        var index = 0
        for b in 0..<batches {
            var batch = StoreBatch()
            for e in 0..<events {
                defer { index += 1 }
                let n = index * 7 + b + 1
                let did: String? = n % 17 == 0 ? nil : "did:plc:\(String(format: "%024d", n % accounts))"
                let outcome = outcomes[n % outcomes.count]
                let reason: Reason? = (outcome == .verified || outcome == .applied || n % 5 == 0) ? nil : reasons[n % reasons.count]
                let line = OutcomeLine(index: index, seq: n % 11 == 0 ? nil : Int64(1_000 + index), type: types[n % types.count], did: did,
                                       rev: n % 3 == 0 ? nil : "3k\(String(format: "%09d", b * 1_000 + e))22", outcome: outcome, reason: reason,
                                       detail: n % 4 == 0 ? nil : "détail ✓ \(n) \u{1F600} 'quoted' \"too\"")
                let frame: [UInt8]? = n % 6 == 0 ? nil : (0..<(n % 40)).map { UInt8(truncatingIfNeeded: $0 * 31 + n) }
                batch.outcomes.append(RecordedOutcome(line: line, frame: frame, processedAt: 1_700_000_000_000_000 + Int64(index)))
                let host = n % 9 == 0 ? "unknown" : "pds\(n % 4).test"
                batch.audit.hostDays[AuditTally.HostDay(host: host, day: "2026-12-0\(1 + b % 3)", outcome: outcome, reason: reason), default: 0] += 1
                batch.audit.minutes[AuditTally.Minute(minute: 29_000_000 + Int64(n % 5), outcome: outcome), default: 0] += 1
                if n % 13 == 0 {
                    batch.audit.warnings[AuditTally.HostWarning(host: host, day: "2026-12-05", kind: warnings[n % warnings.count]), default: 0] += 1
                }
                if n % 19 == 0 { batch.audit.countResync(host: host, micros: 1_764_900_000_000_000, started: n % 2 == 0) }
                guard let did else { continue }
                if n % 8 != 0 { batch.audit.accountHosts[did] = host }
                // Some accounts get counters only; the others a state, some of them going backwards.
                guard n % 10 != 0 else { continue }
                let rev: String? = n % 23 == 0 ? nil : "3k\(String(format: "%09d", (n % 29 == 0 ? 0 : b) * 1_000 + e))22"
                let data = n % 7 == 0 ? nil : CID.compute(for: Array("data \(n)".utf8))
                batch.accounts[did] = AccountState(did: did, rev: rev, data: data, commit: data.map { _ in CID.compute(for: Array("commit \(n)".utf8)) },
                                                   active: n % 12 != 0, status: n % 12 == 0 ? "takendown" : nil,
                                                   sync: [SyncState.synchronized, .desynchronized, .resyncing][n % 3], lastSeq: n % 14 == 0 ? nil : Int64(n))
            }
            batch.audit.relay.frames = Int64(events)
            batch.audit.relay.gaps = Int64(b)
            batch.audit.relay.lagCount = 3
            batch.audit.relay.lagSumMillis = 30
            batch.audit.relay.lagMaxMillis = Int64(10 + b)
            batch.audit.relay.lagBuckets[b % batch.audit.relay.lagBuckets.count] += 2
            batch.audit.relay.firstSeenMicros = 1_700_000_000_000_000
            batch.audit.relay.lastSeenMicros = 1_700_000_000_000_000 + Int64(b)
            batch.audit.relay.lastSeq = Int64(1_000 + index)
            batch.cursor = (upstream: upstream, position: Int64(1_000 + index))
            result.append(batch)
        }
        return result
    }

    /// Everything the readers give back.
    struct Readback: Equatable {
        let accounts: [String: AccountState]
        let summary: StoreSummary
        let audit: AuditData
        let cursor: Int64?
    }

    static func readback(_ store: OpenedStore, dids: [String]) throws -> Readback {
        var summary = try store.reader.summary(recentViolations: 100_000)
        summary.cursorRates = [:]  // timed by each backend's own writes
        return Readback(accounts: try store.state.accounts(dids), summary: summary, audit: try store.reader.auditReport(topAccounts: 100_000),
                        cursor: try store.state.cursor(upstream: upstream))
    }

    static let shapes: [(batches: Int, events: Int, accounts: Int)] = [(1, 1, 1), (3, 400, 60), (2, 1_500, 2_000)]

    @Test("every backend reads back the same figures from the same batches", arguments: shapes.indices)
    func sameReadbackOnEveryBackend(shape: Int) throws {
        let (count, events, accounts) = Self.shapes[shape]
        let batches = Self.batches(count: count, events: events, accounts: accounts)
        let dids = Set(batches.flatMap { $0.outcomes.compactMap(\.line.did) }).sorted()
        var readbacks: [StoreBackend: Readback] = [:]
        for backend in StoreBackend.allCases {
            try backend.withFreshDatabase("sameReadbackOnEveryBackend") { database in
                let store = try database.open()
                for batch in batches { try store.state.write(batch) }
                readbacks[backend] = try Self.readback(try database.open(), dids: dids)
            }
        }
        let violations = batches.flatMap(\.outcomes).filter { $0.line.outcome != .verified && $0.line.outcome != .applied }
        let reference = try #require(readbacks[.sqlite])
        #expect(reference.summary.recentViolations.count == violations.count)
        #expect(reference.summary.recentViolations.map(\.line.index) == violations.reversed().map(\.line.index))
        if let postgres = readbacks[.postgres] {
            #expect(postgres.accounts == reference.accounts)
            #expect(postgres.summary == reference.summary)
            #expect(postgres.audit == reference.audit)
            #expect(postgres.cursor == reference.cursor)
        }
        print("multi-row batches \(count)×\(events) over \(accounts) accounts: \(violations.count) violations, \(reference.accounts.count) states, backends \(readbacks.keys.map(\.rawValue).sorted())")
    }
}
