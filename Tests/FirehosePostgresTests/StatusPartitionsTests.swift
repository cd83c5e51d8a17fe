import FirehosePostgres
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// `status --json` (and so `GET /status`, which prints the same document) lists each (upstream, partition) with its
/// cursor, its rate over the last minute and its lease (holder, epoch, time left), with the numbers the text shows.
@Suite("status: partitions in text and JSON on every backend", .serialized)
struct StatusPartitionsTests {
    static let upstream = "wss://relay.test"

    static func cursor(_ position: Int64, partition: Partition) -> StoreBatch {
        var batch = StoreBatch()
        batch.cursor = (upstream: upstream, position: position)
        batch.partition = partition
        return batch
    }

    static func run(_ arguments: [String]) throws -> String {
        let result = try BreakwaterBinary.run(arguments)
        #expect(result.status == 0, "breakwater \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    @Test("each partition's cursor, rate and lease in the JSON are those of the text", arguments: StoreBackend.allCases)
    func jsonShowsTheNumbersOfTheText(backend: StoreBackend) throws {
        try backend.withFreshDatabase("jsonShowsTheNumbersOfTheText") { database in
            let store = try database.open()
            let p0 = try #require(Partition(parsing: "0/2")), p1 = try #require(Partition(parsing: "1/2"))
            let p2of3 = try #require(Partition(parsing: "2/3"))
            try store.state.write(Self.cursor(100, partition: p0))
            Thread.sleep(forTimeInterval: 0.2)
            try store.state.write(Self.cursor(300, partition: p0))
            try store.state.write(Self.cursor(7, partition: p1))
            try store.state.write(Self.cursor(5, partition: .whole))
            var expectedLeases = 0
            if let leases = store.leases {
                _ = try #require(try leases.acquire(LeaseKey(upstream: Self.upstream, partition: p0), holder: "host-a 1 x", ttlMicros: 60_000_000))
                _ = try #require(try leases.acquire(LeaseKey(upstream: Self.upstream, partition: p1), holder: "host-b 2 y", ttlMicros: 1))
                _ = try #require(try leases.acquire(LeaseKey(upstream: Self.upstream, partition: p2of3), holder: "host-c 3 z", ttlMicros: 30_000_000))
                usleep(20_000)
                expectedLeases = 3
            }
            let text = try Self.run(["status", "--db", database.address]).split(separator: "\n").map(String.init)
            let json = try Self.run(["status", "--json", "--db", database.address])
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let partitions = try #require(document["partitions"] as? [[String: Any]])
            #expect(partitions.map { $0["partition"] as? String } == ["0/1", "0/2", "1/2"] + (expectedLeases > 0 ? ["2/3"] : []))

            for entry in partitions {
                let partition = try #require(entry["partition"] as? String)
                let cursorName = partition == "0/1" ? Self.upstream : "\(Self.upstream) partition \(partition)"
                // The cursor line: `  NAME  POSITION[  N events/s]`.
                let cursorLine = text.first { $0.hasPrefix("  \(cursorName)  ") }
                if let position = entry["cursor"] as? Int64 ?? (entry["cursor"] as? Int).map(Int64.init) {
                    let line = try #require(cursorLine, "no cursor line for \(partition)")
                    let fields = line.split(separator: " ").map(String.init)
                    #expect(fields.contains(String(position)), "\(line)")
                    if partition != "0/1" {
                        let rate = line.hasSuffix(" events/s") ? Int(fields[fields.count - 2]) : nil
                        #expect(entry["eventsPerSecond"] as? Int == rate, "\(line) vs \(entry)")
                    }
                } else {
                    #expect(cursorLine == nil && entry["cursor"] is NSNull)
                }
                // The lease line: `  UPSTREAM  partition K/N  holder H  epoch E  expires in M ms` or `… expired`.
                let leaseLine = text.first { $0.hasPrefix("  \(Self.upstream)  partition \(partition)  holder ") }
                if let lease = entry["lease"] as? [String: Any] {
                    let line = try #require(leaseLine, "no lease line for \(partition)")
                    #expect(line.contains("  holder \(lease["holder"] as? String ?? "?")  epoch \(lease["epoch"] as? Int ?? -1)  "), "\(line) vs \(lease)")
                    let expired = try #require(lease["expired"] as? Bool)
                    #expect(expired == line.hasSuffix("  expired"), "\(line) vs \(lease)")
                    let left = try #require(lease["expiresInMs"] as? Int)
                    if expired {
                        #expect(left == 0)
                    } else {
                        // The JSON was read after the text: its time left is at most the text's, and not seconds less.
                        let textLeft = try #require(Int(line.split(separator: " ").dropLast().last ?? ""))
                        #expect(left <= textLeft && left > textLeft - 10_000, "\(line) vs \(lease)")
                    }
                } else {
                    #expect(leaseLine == nil && entry["lease"] is NSNull)
                }
            }
            #expect(partitions.compactMap { $0["lease"] as? [String: Any] }.count == expectedLeases)
            #expect(partitions.first { $0["partition"] as? String == "0/2" }?["eventsPerSecond"] as? Int != nil, "two writes give a rate")
            #expect(partitions.first { $0["partition"] as? String == "1/2" }?["eventsPerSecond"] is NSNull, "one write gives none")
            print("status partitions [\(backend)]: \(partitions.count) entries, \(expectedLeases) leases")
        }
    }
}
