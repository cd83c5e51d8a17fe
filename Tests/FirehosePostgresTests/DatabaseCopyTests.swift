import FirehosePostgres
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// `breakwater db copy SRC DST` and the read commands on PostgreSQL: a replayed SQLite database copied into
/// PostgreSQL reads back the same `status`, `status --json`, `audit report --json` and violation frames.
@Suite("db copy into PostgreSQL", .serialized)
struct DatabaseCopyTests {
    static let recordings = ["demo", "rule-bad-signature", "indigo-account-lifecycle"]

    /// Runs `breakwater`, expecting exit status 0; returns standard output.
    static func run(_ arguments: [String]) throws -> String {
        let result = try BreakwaterBinary.run(arguments)
        #expect(result.status == 0, "breakwater \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    /// The audit report without its generation time.
    static func audit(_ db: String) throws -> String {
        try run(["audit", "report", "--json", "--db", db]).split(separator: "\n").filter { !$0.contains("generated") }.joined(separator: "\n")
    }

    @Test("the copy reads back exactly as the SQLite file does", arguments: recordings)
    func copyReadsBackTheSame(recording: String) throws {
        try StoreBackend.withSQLiteAndPostgres("copyReadsBackTheSame [\(recording)]") { _, sqlite, postgres in
            _ = try Self.run(["replay", Vectors.projectRoot.appendingPathComponent("Replays/\(recording)").path, "--db", sqlite])
            let copy = try Self.run(["db", "copy", sqlite, postgres])
            #expect(copy.contains("every count matches"), "\(copy)")
            #expect(try Self.run(["status", "--db", postgres]) == Self.run(["status", "--db", sqlite]))
            #expect(try Self.run(["status", "--json", "--limit", "1000", "--db", postgres]) == Self.run(["status", "--json", "--limit", "1000", "--db", sqlite]))
            #expect(try Self.audit(postgres) == Self.audit(sqlite))

            let windows = copy.split(separator: "\n").first { $0.hasPrefix("cursor rate windows") }
            #expect(windows.map { $0.hasSuffix(" 1 rows, 1 copied") } == true, "\(copy)")

            let again = try BreakwaterBinary.run(["db", "copy", sqlite, postgres])
            #expect(again.status == 1 && again.stderr.contains("database-not-empty"), "\(again.stderr)")
            print("db copy [\(recording)]: \(copy.split(separator: "\n").last ?? "")")
        }
    }

    @Test("the cursors' rate windows are copied: each partition shows the same rate on both sides")
    func rateWindowsAreCopied() throws {
        try StoreBackend.withSQLiteAndPostgres("rateWindowsAreCopied") { _, sqlite, postgres in
            do {
                let store = try SQLiteStateStore(path: sqlite)
                // Partition 0/2 writes its cursor twice (a rate), 1/2 once (none yet).
                for (partition, position) in [("0/2", 100), ("1/2", 40), ("0/2", 300)] {
                    var batch = StoreBatch()
                    batch.partition = try #require(Partition(parsing: partition))
                    batch.cursor = (upstream: "wss://relay.test", position: Int64(position))
                    try store.write(batch)
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
            let copy = try Self.run(["db", "copy", sqlite, postgres])
            #expect(copy.contains("\ncursor rate windows  2 rows, 2 copied\n"), "\(copy)")
            #expect(copy.hasSuffix("copied 2 rows in 12 tables; every count matches\n"), "\(copy)")
            let text = try Self.run(["status", "--db", postgres])
            #expect(text == (try Self.run(["status", "--db", sqlite])))
            #expect(text.contains("  wss://relay.test partition 0/2  300  ") && text.contains(" events/s\n"), "\(text)")
            #expect(try Self.run(["status", "--json", "--db", postgres]) == Self.run(["status", "--json", "--db", sqlite]))
            print("db copy with rate windows: \(copy.split(separator: "\n").first { $0.hasPrefix("cursor rate windows") } ?? "")")
        }
    }
}
