import FirehoseIngest
import FirehoseTesting
import Foundation
import Testing

/// `GET /status` of a `consume --partition K/N --http` on PostgreSQL shows the running partition's cursor, its rate
/// and the lease the process holds (holder, epoch, time left), as `status --json` and the text `status` do.
@Suite("status API on PostgreSQL", .serialized, .timeLimit(.minutes(3)))
struct PostgresStatusAPITests {
    static func partition(_ document: [String: Any], _ name: String) -> [String: Any]? {
        (document["partitions"] as? [[String: Any]])?.first { $0["partition"] as? String == name }
    }

    @Test func theStatusAPIShowsTheRunningPartitionsCursorRateAndLease() async throws {
        try await StandbyProcessTests.withDatabase("status API on PostgreSQL") { database in
            let recording = SynthRecording.faulty
            let scratch = BreakwaterProcess.temporaryFile("status-api-postgres")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let server = try await BreakwaterProcess.serve(recording.folder, ["--rate", "200"])
            defer { server.stop() }
            let stderr = scratch.appendingPathComponent("consume.err")
            let process = try BreakwaterBinary.start([
                "consume", "--relay", server.url, "--plc", server.plc, "--identities", recording.location.identities.path,
                "--db", database, "--partition", "0/2", "--workers", "2", "--progress", "0", "--resync-concurrency", "0",
                "--lease-ttl", "5s", "--log-format", "json", "--http", "127.0.0.1:0",
            ], stderr: stderr)
            defer { if process.isRunning { process.terminate() } }
            let api = try await Observe.listeningURL(stderr, message: "status API listening", process: process)

            // Wait until the partition's cursor has a rate (two writes in its window) while the process holds its lease.
            var entry: [String: Any]? = nil
            for _ in 0..<300 {
                entry = Self.partition(try await Observe.request(api + "/status").json, "0/2")
                if entry?["eventsPerSecond"] is Int, entry?["lease"] is [String: Any] { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let answer = try #require(entry, "no partition 0/2 in GET /status")
            let lease = try #require(answer["lease"] as? [String: Any], "\(answer)")
            #expect(answer["cursor"] is Int && answer["eventsPerSecond"] is Int, "\(answer)")
            #expect(lease["expired"] as? Bool == false)
            let left = try #require(lease["expiresInMs"] as? Int)
            #expect(left > 0 && left <= 5_000, "\(lease)")
            let holder = try #require(lease["holder"] as? String), epoch = try #require(lease["epoch"] as? Int)

            // The same lease in `status --json` and in the text.
            let json = try BreakwaterBinary.run(["status", "--json", "--db", database])
            #expect(json.status == 0, "\(json.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let cliLease = Self.partition(document, "0/2")?["lease"] as? [String: Any]
            #expect(cliLease?["holder"] as? String == holder && cliLease?["epoch"] as? Int == epoch, "\(String(describing: cliLease))")
            let text = try BreakwaterBinary.run(["status", "--db", database])
            #expect(text.stdout.contains("partition 0/2  holder \(holder)  epoch \(epoch)  expires in "), "\(text.stdout)")

            kill(process.processIdentifier, SIGTERM)
            #expect(try await Observe.wait(process, seconds: 20) == 0)
            print("status API on PostgreSQL: partition 0/2 at \(answer["cursor"] ?? "-"), \(answer["eventsPerSecond"] ?? "-") events/s, held by \(holder) at epoch \(epoch)")
        }
    }
}
