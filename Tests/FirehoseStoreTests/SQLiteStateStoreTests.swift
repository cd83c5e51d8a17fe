import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import IPLD
import Testing

@Suite("SQLite state store (Docs/CONTRACT.md §5)")
struct SQLiteStateStoreTests {
    static func line(_ index: Int, _ did: String?, _ outcome: Outcome, _ reason: Reason? = nil) -> OutcomeLine {
        OutcomeLine(index: index, seq: Int64(index + 1), type: .commit, did: did, rev: "3lmxjza3nva27", outcome: outcome,
                    reason: reason, detail: reason.map { "detail of \($0.rawValue)" })
    }

    @Test func aBatchIsWrittenAtomicallyWithItsCursor() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let path = database.path
        let store = try SQLiteStateStore(path: path)
        let data = CID.compute(for: [0xa0])
        var batch = StoreBatch()
        batch.accounts["did:plc:a"] = AccountState(did: "did:plc:a", rev: "3lmxjza3nva27", data: data, commit: data, lastSeq: 1)
        batch.outcomes = [
            RecordedOutcome(line: Self.line(0, "did:plc:a", .verified), frame: [1, 2, 3], processedAt: 1),
            RecordedOutcome(line: Self.line(1, "did:plc:b", .rejected, .badSignature), frame: [4, 5, 6], processedAt: 2),
            RecordedOutcome(line: Self.line(2, "did:plc:b", .ignored, .staleRev), frame: [7], processedAt: 3),
        ]
        batch.cursor = ("wss://relay.example", 3)
        try store.write(batch)

        // A second connection (a restart) sees everything.
        let reopened = try SQLiteStateStore(path: path)
        #expect(try reopened.cursor(upstream: "wss://relay.example") == 3)
        let account = try reopened.accounts(["did:plc:a", "did:plc:missing"])
        #expect(account.count == 1)
        #expect(account["did:plc:a"]?.data == data)
        #expect(account["did:plc:a"]?.rev == "3lmxjza3nva27")
        let summary = try reopened.status.summary(recentViolations: 10)
        #expect(summary.outcomes["verified"] == 1)
        #expect(summary.outcomes["rejected/bad-signature"] == 1)
        #expect(summary.outcomes["ignored/stale-rev"] == 1)
        let violations = try reopened.status.violations(did: "did:plc:b", sinceMicros: nil, limit: 10)
        #expect(violations.count == 2)
        // Rejected frames keep their bytes as evidence; other violations do not.
        #expect(violations.first { $0.line.outcome == .rejected }?.frame == [4, 5, 6])
        #expect(violations.first { $0.line.outcome == .ignored }?.frame == nil)
    }

    @Test func countsAccumulateAcrossBatches() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStateStore(path: database.path)
        for round in 0..<5 {
            var batch = StoreBatch()
            batch.outcomes = (0..<100).map { i in
                RecordedOutcome(line: Self.line(round * 100 + i, "did:plc:\(i % 7)", .verified), frame: nil, processedAt: 0)
            }
            batch.cursor = ("file:x", Int64(round * 100 + 99))
            try store.write(batch)
        }
        let summary = try store.status.summary(recentViolations: 0)
        #expect(summary.outcomes["verified"] == 500)
        #expect(summary.cursors["file:x"] == 499)
        #expect(summary.accounts["total"] == 7)
    }

    /// Account states covering every kind of value the batch write binds: CIDs present and absent, text present,
    /// absent and non-ASCII, the integer extremes, each sync state.
    static let boundStates: [AccountState] = [
        AccountState(did: "did:plc:full", rev: "3lmxjza3nva27", data: CID.compute(for: [0xa0]), commit: CID.compute(for: [0xa1]),
                     active: true, status: nil, sync: .synchronized, lastSeq: Int64.max),
        AccountState(did: "did:plc:bare", rev: nil, data: nil, commit: nil, active: false, status: "takendown", sync: .desynchronized, lastSeq: nil),
        AccountState(did: "did:web:é.example", rev: "", data: CID.compute(for: [0xa2]), commit: nil, active: true, status: "",
                     sync: .resyncing, lastSeq: 0),
    ]

    /// Violations covering every kind of value the batch write binds: absent seq, DID, rev and detail; empty and
    /// non-ASCII detail; an empty frame and a large one.
    static let boundViolations: [RecordedOutcome] = [
        RecordedOutcome(line: OutcomeLine(index: 0, seq: nil, type: .unknown, did: nil, rev: nil, outcome: .rejected, reason: .malformedFrame,
                                          detail: nil), frame: Array(repeating: 0xff, count: 70_000), processedAt: Int64.min),
        RecordedOutcome(line: OutcomeLine(index: 1, seq: 5, type: .identity, did: "did:plc:bare", rev: nil, outcome: .ignored, reason: .staleRev,
                                          detail: ""), frame: nil, processedAt: 7),
        RecordedOutcome(line: OutcomeLine(index: 2, seq: Int64.max, type: .commit, did: "did:web:é.example", rev: "3lmxjza3nva27",
                                          outcome: .desynchronized, reason: .chainBreak, detail: "détail \"quoted\"\n"), frame: nil, processedAt: 8),
        // Text longer than the write's binding scratch (16 KiB) is bound whole all the same (SQLite copies it).
        RecordedOutcome(line: OutcomeLine(index: 3, seq: 9, type: .commit, did: "did:plc:" + String(repeating: "l", count: 17_000), rev: nil,
                                          outcome: .rejected, reason: .badSignature, detail: String(repeating: "é", count: 20_000)),
                        frame: [0x01], processedAt: 9),
    ]

    @Test func everyBoundValueReadsBackAsWritten() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStateStore(path: database.path)
        var batch = StoreBatch()
        for state in Self.boundStates { batch.accounts[state.did] = state }
        batch.outcomes = Self.boundViolations
        batch.cursor = ("file:bound", 3)
        try store.write(batch)
        let read = try store.accounts(Self.boundStates.map(\.did))
        for state in Self.boundStates { #expect(read[state.did] == state, "\(state.did)") }
        let violations = try store.status.violations(did: nil, sinceMicros: nil, limit: 10).sorted { $0.line.index < $1.line.index }
        #expect(violations.map(\.line) == Self.boundViolations.map(\.line))
        #expect(violations.map(\.processedAt) == Self.boundViolations.map(\.processedAt))
        #expect(violations.map(\.frame) == Self.boundViolations.map { $0.line.outcome == .rejected ? $0.frame : nil })
        print("bound values: \(Self.boundStates.count) states, \(Self.boundViolations.count) violations")
    }

    /// Stored states are read for any number of DIDs (the `IN (…)` lists are padded to a few sizes): every stored DID
    /// asked is found, every missing one is absent, whatever the count and order.
    @Test(arguments: [1, 2, 3, 4, 5, 15, 16, 17, 63, 64, 65, 255, 256, 257, 600])
    func storedStatesAreReadForAnyNumberOfDIDs(_ count: Int) throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStateStore(path: database.path)
        var batch = StoreBatch()
        for number in 0..<400 { batch.accounts["did:plc:stored\(number)"] = AccountState(did: "did:plc:stored\(number)", rev: "r\(number)") }
        try store.write(batch)
        // Every third DID asked is not stored; the list is asked in reverse order.
        let asked = (0..<count).reversed().map { $0 % 3 == 2 ? "did:plc:missing\($0)" : "did:plc:stored\($0)" }
        let read = try store.accounts(asked)
        let expected = asked.filter { $0.hasPrefix("did:plc:stored") && Int($0.dropFirst("did:plc:stored".count))! < 400 }
        #expect(Set(read.keys) == Set(expected))
        for did in expected { #expect(read[did]?.rev == "r" + did.dropFirst("did:plc:stored".count)) }
    }

    @Test func theDatabaseUsesWALAndIsMigrated() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let path = database.path
        _ = try SQLiteStateStore(path: path)
        let again = try SQLiteStateStore(path: path)  // migrating twice is a no-op
        #expect(try again.journalMode() == "wal")
    }

    @Test func anUnwritableLocationIsAnOperationalError() {
        #expect(throws: StoreError.self) { try SQLiteStateStore(path: "/proc/breakwater/cannot/state.sqlite") }
    }
}
