import BreakwaterNet
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import FirehoseTesting
import Foundation
import Testing

/// `consume --partition K/N` as real processes against `breakwater serve` on 127.0.0.1, each partition into its own
/// SQLite file (Docs/CONTRACT.md, "Partitions"): together the partitions print exactly the outcome lines of one replay
/// and hold exactly its account states, each under its own (relay, partition) cursor.
@Suite("Partition processes", .timeLimit(.minutes(3)))
struct PartitionProcessTests {
    @Test func twoPartitionsOfAServedRecordingTogetherGiveTheOutcomesAndStatesOfOneReplay() async throws {
        let recording = SynthRecording.faulty
        let scratch = BreakwaterProcess.temporaryFile("partitions")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let server = try await BreakwaterProcess.serve(recording.folder)
        defer { server.stop() }
        let upstream = try RelayURL(server.url).description
        var consumers: [Process] = []
        for partition in 0..<2 {
            consumers.append(try BreakwaterBinary.start([
                "consume", "--relay", server.url, "--plc", server.plc, "--identities", recording.location.identities.path,
                "--db", scratch.appendingPathComponent("p\(partition).sqlite").path,
                "--events", scratch.appendingPathComponent("p\(partition).jsonl").path, "--partition", "\(partition)/2",
                "--max-events", "\(recording.frames.count)", "--workers", "2", "--progress", "0", "--resync-concurrency", "0",
            ], stderr: scratch.appendingPathComponent("p\(partition).err")))
        }
        for consumer in consumers { #expect(try await BreakwaterProcess.wait(consumer, seconds: 120) == 0) }
        let replay = try BreakwaterBinary.run(["replay", recording.folder.path, "--events", scratch.appendingPathComponent("all.jsonl").path,
                                               "--db", scratch.appendingPathComponent("all.sqlite").path, "--workers", "2"])
        try #require(replay.status == 0, "replay failed: \(replay.stderr)")

        // Compared by index, seq, type, DID, rev, outcome and reason: the detail of identity-unavailable names where the
        // key was looked for (the directory for consume, the identities file for replay).
        func lines(_ name: String) throws -> [String] {
            try ExpectedOutcomes.load(scratch.appendingPathComponent(name)).map(\.description)
        }
        let (first, second, all) = (try lines("p0.jsonl"), try lines("p1.jsonl"), try lines("all.jsonl"))
        #expect(!first.isEmpty && !second.isEmpty)
        #expect(first.count + second.count == all.count, "no frame reported twice or missed")
        let (together, reference) = (Set(first + second), Set(all))
        #expect(together == reference, "only in the partitions: \(together.subtracting(reference).sorted().prefix(3)); only in the replay: \(reference.subtracting(together).sorted().prefix(3))")

        let dids = try recording.dids()
        let replayed = try LiveTest.states(database: scratch.appendingPathComponent("all.sqlite").path, dids: dids)
        var merged: [String: AccountState] = [:]
        for partition in 0..<2 {
            let path = scratch.appendingPathComponent("p\(partition).sqlite").path
            let states = try LiveTest.states(database: path, dids: dids)
            let owner = try Partition(index: partition, count: 2)
            #expect(states.keys.allSatisfy { owner.owns(did: $0) }, "partition \(partition) stored another partition's account")
            merged.merge(states) { old, _ in old }
            let store = try SQLiteStateStore(path: path)
            #expect(try store.cursor(upstream: upstream) == nil, "a partition never writes the whole run's cursor")
            #expect(try store.cursor(upstream: upstream, partition: owner) != nil)
        }
        #expect(merged.count > 10)
        #expect(merged == replayed)
    }
}
