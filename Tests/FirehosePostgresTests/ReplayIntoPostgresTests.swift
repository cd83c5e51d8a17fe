import FirehosePostgres
import FirehoseSync
import IPLD
import FirehoseTesting
import Foundation
import Testing

/// `replay --db postgres://…`: a recording replayed straight into PostgreSQL prints the same outcome lines as a replay
/// into SQLite and reads back the same `status --json` (but for processing times) and `audit report --json`.
@Suite("replay into PostgreSQL", .serialized)
struct ReplayIntoPostgresTests {
    static let recordings = ["demo", "rule-bad-signature", "indigo-account-lifecycle"]

    /// `status --json` without the processing times, which differ between two runs.
    static func status(_ db: String) throws -> String {
        try DatabaseCopyTests.run(["status", "--json", "--limit", "1000", "--db", db])
            .replacing(#/"processedAt(Micros)?":("[^"]*"|[0-9]+),?/#, with: "")
    }

    @Test("a replay into PostgreSQL gives the outcomes and status of a replay into SQLite", arguments: recordings)
    func replayIntoPostgresMatchesSQLite(recording: String) throws {
        try StoreBackend.withSQLiteAndPostgres("replayIntoPostgresMatchesSQLite [\(recording)]") { _, sqlite, postgres in
            let path = Vectors.projectRoot.appendingPathComponent("Replays/\(recording)").path

            let intoSQLite = try DatabaseCopyTests.run(["replay", path, "--db", sqlite, "--events", "-"])
            let intoPostgres = try DatabaseCopyTests.run(["replay", path, "--db", postgres, "--events", "-"])
            let lines = intoSQLite.split(separator: "\n").filter { $0.hasPrefix("{") }
            #expect(!lines.isEmpty)
            #expect(intoPostgres.split(separator: "\n").filter { $0.hasPrefix("{") } == lines)
            #expect(try Self.status(postgres) == Self.status(sqlite))
            #expect(try DatabaseCopyTests.audit(postgres) == DatabaseCopyTests.audit(sqlite))

            // A second replay resumes after the stored cursor: nothing is processed again.
            let again = try DatabaseCopyTests.run(["replay", path, "--db", postgres, "--events", "-"])
            #expect(again.split(separator: "\n").filter { $0.hasPrefix("{") }.isEmpty, "\(again)")
            print("replay into PostgreSQL [\(recording)]: \(lines.count) outcome lines identical")
        }
    }

    @Test("a frame carrying U+0000 in a DID and in its detail is stored on PostgreSQL (as U+FFFD), not a failed batch")
    func textWithNULIsStored() throws {
        try StoreBackend.withSQLiteAndPostgres("textWithNULIsStored") { folder, sqlite, postgres in
            let recording = folder.appendingPathComponent("rec")
            try FileManager.default.createDirectory(at: recording, withIntermediateDirectories: true)
            let frames = (1...3).map { n -> [UInt8] in
                Frame(op: 1, type: "#identity", body: ["did": .string("did:plc:ab\u{0}c\(n)"), "seq": .int(Int64(n)),
                                                      "time": .string("2026-12-05T00:00:00.000Z")]).encoded()
            }
            try Data(frames.flatMap(RecordingDecoder.encode(frame:))).write(to: recording.appendingPathComponent("frames.bin"))
            try Data("{}".utf8).write(to: recording.appendingPathComponent("identities.json"))
            let intoSQLite = try DatabaseCopyTests.run(["replay", recording.path, "--db", sqlite, "--events", "-"])
            let intoPostgres = try DatabaseCopyTests.run(["replay", recording.path, "--db", postgres, "--events", "-"])
            let lines = intoSQLite.split(separator: "\n").filter { $0.hasPrefix("{") }
            #expect(lines.count == 3 && lines.allSatisfy { $0.contains("malformed-event") && $0.contains("\\u0000") }, "\(lines)")
            #expect(intoPostgres.split(separator: "\n").filter { $0.hasPrefix("{") } == lines)
            let status = try DatabaseCopyTests.run(["status", "--db", postgres])
            #expect(status.contains("did:plc:ab\u{FFFD}c3"), "\(status)")
        }
    }
}
