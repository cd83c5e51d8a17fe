import ATCrypto
import FirehosePostgres
import FirehoseTesting
import Foundation
import Testing

/// The `mirror` commands, `replay --mirror` and `prune` through the breakwater binary on a `postgres://` database
/// print exactly what they print on a SQLite file.
@Suite("mirror commands and prune on PostgreSQL", .serialized)
struct MirrorCommandsOnPostgresTests {
    /// stdout of a command that must succeed.
    static func run(_ arguments: [String]) throws -> String { try DatabaseCopyTests.run(arguments) }

    /// `mirror list --json` without the times, which differ between two runs.
    static func list(_ db: String) throws -> String {
        try run(["mirror", "list", "--json", "--db", db]).replacing(#/"(addedAt|updatedAt)" *: *"[^"]*",?/#, with: "")
    }

    @Test("mirror import, records, get, export and remove print the same on PostgreSQL as on SQLite")
    func mirrorCommandsMatchSQLite() throws {
        try StoreBackend.withSQLiteAndPostgres("mirrorCommandsMatchSQLite") { folder, sqlite, postgres in
            let repo = TestRepo.make(count: 120)
            let car = folder.appendingPathComponent("repo.car")
            try Data(try repo.car()).write(to: car)
            let key = TestRepo.key.publicKey.didKey
            var outputs: [String: [String]] = [:]
            for db in [sqlite, postgres] {
                var lines: [String] = []
                lines.append(try Self.run(["mirror", "add", TestRepo.did, "--car", car.path, "--key", key, "--db", db]))
                lines.append(try Self.run(["mirror", "import", TestRepo.did, car.path, "--key", key, "--db", db]))
                var cursor: String? = nil
                repeat {
                    let page = try Self.run(["mirror", "records", TestRepo.did, "--limit", "50", "--db", db] + (cursor.map { ["--cursor", $0] } ?? []))
                    lines.append(page)
                    cursor = page.split(separator: "\n").last.flatMap { line in
                        line.hasPrefix("{\"cursor\"") ? String(line.dropFirst(11).dropLast(2)) : nil
                    }
                } while cursor != nil
                lines.append(try Self.run(["mirror", "records", TestRepo.did, "--collection", "app.bsky.feed.like", "--json", "--db", db]))
                lines.append(try Self.run(["mirror", "get", "at://\(TestRepo.did)/app.bsky.feed.post/3k00000000000", "--db", db]))
                lines.append(try Self.list(db))
                let out = folder.appendingPathComponent("export-\(db == sqlite ? "sqlite" : "postgres").car")
                _ = try Self.run(["mirror", "export", TestRepo.did, out.path, "--db", db])
                #expect(try Data(contentsOf: out) == Data(try repo.car()))
                let missing = try BreakwaterBinary.run(["mirror", "get", "at://\(TestRepo.did)/app.bsky.feed.post/nope", "--db", db])
                lines.append("\(missing.status) \(missing.stderr)")
                lines.append(try Self.run(["mirror", "remove", TestRepo.did, "--db", db]))
                let gone = try BreakwaterBinary.run(["mirror", "export", TestRepo.did, "-", "--db", db])
                lines.append("\(gone.status) \(gone.stderr)")
                outputs[db] = lines
            }
            #expect(outputs[postgres] == outputs[sqlite])
            #expect(outputs[sqlite]?.count ?? 0 > 8)
            print("mirror commands on PostgreSQL: \(outputs[sqlite]?.count ?? 0) outputs identical to SQLite")
        }
    }

    @Test("identity forget clears a cached identity on PostgreSQL as on SQLite")
    func identityForgetMatchesSQLite() throws {
        try StoreBackend.withSQLiteAndPostgres("identityForgetMatchesSQLite") { folder, sqlite, postgres in
            let car = folder.appendingPathComponent("repo.car")
            try Data(try TestRepo.make(count: 3).car()).write(to: car)
            var outputs: [String: [String]] = [:]
            for db in [sqlite, postgres] {
                // A look-up through an unreachable directory leaves a cached failure to forget.
                let failed = try BreakwaterBinary.run(["mirror", "import", TestRepo.did, car.path, "--plc", "http://127.0.0.1:1", "--db", db])
                #expect(failed.status == 1)
                outputs[db] = try (0..<2).map { _ in
                    let forget = try BreakwaterBinary.run(["identity", "forget", TestRepo.did, "--db", db])
                    return "\(forget.status) \(forget.stdout)\(forget.stderr)"
                }
            }
            #expect(outputs[sqlite] == ["0 forgot the cached identity of \(TestRepo.did)\n", "0 \(TestRepo.did) has no cached identity\n"])
            #expect(outputs[postgres] == outputs[sqlite])
        }
    }

    @Test("replay --mirror into PostgreSQL keeps the same mirrors and records as into SQLite; prune deletes the same")
    func replayWithMirrorsAndPruneMatchSQLite() throws {
        try StoreBackend.withSQLiteAndPostgres("replayWithMirrorsAndPruneMatchSQLite") { _, sqlite, postgres in
            let path = Vectors.projectRoot.appendingPathComponent("Replays/demo").path
            let events = try Self.run(["replay", path, "--db", sqlite + ".probe", "--events", "-"])
            var dids: [String] = []
            for line in events.split(separator: "\n") {
                guard let match = line.firstMatch(of: #/"did": *"(did:[^"]+)"/#) else { continue }
                let did = String(match.1)
                if !dids.contains(did) { dids.append(did) }
                if dids.count == 4 { break }
            }
            #expect(dids.count == 4)
            let mirrorArguments = dids.flatMap { ["--mirror", $0] }
            var outputs: [String: [String]] = [:]
            for db in [sqlite, postgres] {
                var lines = [try Self.run(["replay", path, "--db", db, "--events", "-"] + mirrorArguments)
                    .split(separator: "\n").filter { $0.hasPrefix("{") }.joined(separator: "\n")]
                lines.append(try Self.list(db))
                for did in dids { lines.append(try Self.run(["mirror", "records", did, "--limit", "100000", "--db", db])) }
                // The cutoff is the time of the run; the counts must agree.
                lines.append(try Self.run(["prune", "--older-than", "0", "--db", db, "--json"]).replacing(#/"before":[0-9]+,?/#, with: ""))
                lines.append(try DatabaseCopyTests.audit(db))
                outputs[db] = lines
            }
            #expect(outputs[postgres]?.count == outputs[sqlite]?.count)
            for (index, (pg, lite)) in zip(outputs[postgres] ?? [], outputs[sqlite] ?? []).enumerated() {
                #expect(pg == lite, "output \(index) differs")
            }
            // Some mirror followed the stream from its first commit and holds records.
            #expect(outputs[sqlite]?.dropFirst(2).prefix(dids.count).contains { $0.contains("\"uri\"") } == true)
            #expect(outputs[sqlite]?.contains { $0.contains("\"violations\":") && !$0.contains("\"violations\":0") } == true)
            print("replay --mirror into PostgreSQL: \(dids.count) mirrors, records and prune identical to SQLite")
        }
    }
}
