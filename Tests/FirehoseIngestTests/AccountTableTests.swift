@testable import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Testing

/// A worker's account table keeps every state not yet durably written, drops only written ones when over capacity
/// (they are read back from the store), and reuses freed slots without mixing accounts up.
@Suite("account table")
struct AccountTableTests {
    static func did(_ number: Int) -> String { "did:plc:account\(number)" }

    @Test func evictionDropsOnlyWrittenStatesAndFreedSlotsAreReused() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStateStore(path: database.path)
        var stored = StoreBatch()
        for number in 0..<40 { stored.accounts[Self.did(number)] = AccountState(did: Self.did(number), rev: "stored") }
        try store.write(stored)

        var table = AccountTable(capacity: 16)
        for number in 0..<40 { #expect(try table.state(Self.did(number), store: store)?.rev == "stored") }
        for number in 0..<40 { table.put(AccountState(did: Self.did(number), rev: "new\(number)"), ordinal: number) }
        #expect(table.count == 40)

        // Events 0…19 are durable, 20…39 are not: only written states may go, until a quarter of the capacity is free.
        table.evict(committed: 19)
        #expect(table.count == 20)
        for number in 20..<40 { #expect(try table.state(Self.did(number), store: store)?.rev == "new\(number)") }
        // An evicted account is read from the store again (which still holds the stored rev: nothing wrote "new").
        #expect(try table.state(Self.did(0), store: store)?.rev == "stored")

        // New accounts take the freed slots; the kept ones are untouched.
        for number in 40..<59 { table.put(AccountState(did: Self.did(number), rev: "new\(number)"), ordinal: number) }
        for number in 20..<59 { #expect(try table.state(Self.did(number), store: store)?.rev == "new\(number)") }
        table.setFixedHost("pds.example", for: Self.did(41))
        #expect(table.fixedHost(Self.did(41)) == .some("pds.example"))
        #expect(table.fixedHost(Self.did(42)) == nil)
        print("account table: 59 accounts through 16 places, 20 evicted")
    }
}
