import FirehoseTesting
import Foundation
import Testing

/// `breakwater mirror import DID FILE.car` without `--key` or `--identities` takes the key from the DID document
/// (Docs/CONTRACT.md §1: "the key from --key, else --identities FILE, else resolution"), here from the PLC directory of
/// `breakwater serve` on 127.0.0.1 (plain http is allowed because the directory is on loopback).
@Suite("mirror import resolves the key", .serialized, .timeLimit(.minutes(2)))
struct MirrorImportResolutionTests {
    /// A synth recording (3 accounts) with each account's final repository CAR.
    struct Fixture {
        let folder: URL
        var recording: URL { folder.appendingPathComponent("rec") }
        var cars: URL { folder.appendingPathComponent("cars") }
        var dids: [String]

        init() throws {
            folder = try CommandLineTests.temporaryFolder()
            let synth = try BreakwaterBinary.run(["synth", "--out", folder.appendingPathComponent("rec").path, "--repos", "3",
                                                  "--commits", "30", "--seed", "11", "--repos-dir", folder.appendingPathComponent("cars").path])
            guard synth.status == 0 else { throw Failure(description: "synth failed: \(synth.stderr)") }
            let identities = try Data(contentsOf: folder.appendingPathComponent("rec/identities.json"))
            dids = ((try JSONSerialization.jsonObject(with: identities) as? [String: Any]) ?? [:]).keys.sorted()
        }

        func car(_ did: String) -> String { cars.appendingPathComponent(did.replacingOccurrences(of: ":", with: "_") + ".car").path }
        func database(_ name: String) -> String { folder.appendingPathComponent(name).path }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `breakwater serve FOLDER --port 0` for the duration of `body`, passing its PLC directory URL.
    static func withServer<T>(_ folder: URL, _ body: (String) throws -> T) async throws -> T {
        let out = folder.appendingPathComponent("serve.out")
        let process = try BreakwaterBinary.start(["serve", folder.path, "--port", "0"], stdout: out)
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        for _ in 0..<400 {
            if let text = try? String(contentsOf: out, encoding: .utf8), let line = text.split(separator: "\n").first,
               line.hasPrefix("listening on ws://") {
                return try body("http://" + line.dropFirst("listening on ws://".count))
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw Failure(description: "serve did not start")
    }

    @Test func importWithoutKeyOrIdentitiesResolvesTheDIDDocumentThroughPlc() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        try #require(fixture.dids.count == 3)
        let (byOption, byEnvironment) = try await Self.withServer(fixture.recording) { plc in
            (try BreakwaterBinary.run(["mirror", "import", fixture.dids[0], fixture.car(fixture.dids[0]), "--plc", plc,
                                       "--db", fixture.database("a.sqlite")]),
             try BreakwaterBinary.run(["mirror", "import", fixture.dids[1], fixture.car(fixture.dids[1]), "--db", fixture.database("b.sqlite")],
                                      environment: ["BREAKWATER_PLC": plc]))
        }
        for (result, did, database) in [(byOption, fixture.dids[0], "a.sqlite"), (byEnvironment, fixture.dids[1], "b.sqlite")] {
            #expect(result.status == 0, "\(result.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(report?["did"] as? String == did)
            #expect(report?["signatureChecked"] as? Bool == true)
            let records = try #require(report?["records"] as? Int)
            #expect(records > 0)
            // The records are stored: `mirror records` lists them.
            let listed = try BreakwaterBinary.run(["mirror", "records", did, "--db", fixture.database(database), "--limit", "100000"])
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.split(separator: "\n").count == records)
        }
    }

    @Test func importWithAnUnreachablePlcExitsOneWithOneLine() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let result = try BreakwaterBinary.run(["mirror", "import", fixture.dids[0], fixture.car(fixture.dids[0]),
                                               "--plc", "http://127.0.0.1:1", "--db", fixture.database("a.sqlite")])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: identity-unavailable: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
