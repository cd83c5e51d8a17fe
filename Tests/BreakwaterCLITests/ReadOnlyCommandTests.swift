import FirehoseTesting
import Foundation
import Testing

/// The commands that only read the database (`status`, `audit report`, `mirror list/get/records/export`) open it
/// read-only: they never create, migrate or write it, and work on a read-only file in a read-only directory.
@Suite("Read-only commands", .serialized, .timeLimit(.minutes(3)))
struct ReadOnlyCommandTests {
    /// A database holding a replayed recording and one imported mirror.
    struct Fixture {
        let base: MirrorImportResolutionTests.Fixture
        let database: String
        let did: String
        let recordURI: String

        init() throws {
            base = try MirrorImportResolutionTests.Fixture()
            did = base.dids[0]
            database = base.database("state.sqlite")
            let replay = try BreakwaterBinary.run(["replay", base.recording.path, "--db", database])
            guard replay.status == 0 else { throw MirrorImportResolutionTests.Failure(description: "replay: \(replay.stderr)") }
            let identities = base.recording.appendingPathComponent("identities.json").path
            let imported = try BreakwaterBinary.run(["mirror", "import", did, base.car(did), "--identities", identities, "--db", database])
            guard imported.status == 0 else { throw MirrorImportResolutionTests.Failure(description: "import: \(imported.stderr)") }
            let records = try BreakwaterBinary.run(["mirror", "records", did, "--db", database, "--limit", "1"])
            let first = try JSONSerialization.jsonObject(with: Data((records.stdout.split(separator: "\n").first ?? "").utf8)) as? [String: Any]
            recordURI = try #require(first?["uri"] as? String)
        }

        /// Every read-only command on `database`, the export writing into `exports`.
        func readers(_ database: String, exports: URL) -> [[String]] {
            [
                ["status", "--db", database], ["status", "--db", database, "--json"], ["status", "--db", database, "--did", did],
                ["audit", "report", "--db", database], ["audit", "report", "--db", database, "--json"],
                ["mirror", "list", "--db", database], ["mirror", "records", did, "--db", database],
                ["mirror", "get", recordURI, "--db", database],
                ["mirror", "export", did, exports.appendingPathComponent("\(UUID().uuidString).car").path, "--db", database],
            ]
        }
    }

    /// Runs `breakwater` as an unprivileged user when the tests run as root (root ignores file permissions).
    static var unprivileged: [String] {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return [] }
        return ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    }

    /// The bytes and modification time of a file.
    static func fingerprint(_ path: String) throws -> (Data, Date?) {
        (try Data(contentsOf: URL(fileURLWithPath: path)),
         try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
    }

    @Test func readOnlyCommandsWorkOnAReadOnlyDatabaseInAReadOnlyDirectory() throws {
        let fixture = try Fixture()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fixture.base.folder.appendingPathComponent("ro").path)
            try? FileManager.default.removeItem(at: fixture.base.folder)
        }
        let folder = fixture.base.folder.appendingPathComponent("ro")
        let exports = fixture.base.folder.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: exports.path)
        let database = folder.appendingPathComponent("state.sqlite").path
        try FileManager.default.copyItem(atPath: fixture.database, toPath: database)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: database)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        let before = try Self.fingerprint(database)
        for arguments in fixture.readers(database, exports: exports) {
            let result = try BreakwaterBinary.run(arguments, launcher: Self.unprivileged)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.isEmpty || arguments[1] == "export", "\(arguments)")
        }
        let after = try Self.fingerprint(database)
        #expect(before.0 == after.0)
        #expect(before.1 == after.1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["state.sqlite"])
    }

    @Test func readOnlyCommandsNeverWriteTheDatabaseFile() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.base.folder) }
        let before = try Self.fingerprint(fixture.database)
        for arguments in fixture.readers(fixture.database, exports: fixture.base.folder) {
            let result = try BreakwaterBinary.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let after = try Self.fingerprint(fixture.database)
        #expect(before.0 == after.0)
        #expect(before.1 == after.1)
    }

    @Test func readOnlyCommandsRefuseAMissingOrEmptyDatabaseWithoutCreatingOne() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.sqlite").path
        let empty = folder.appendingPathComponent("empty.sqlite").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let readers: [[String]] = [
            ["status"], ["status", "--json"], ["audit", "report"], ["mirror", "list"], ["mirror", "records", "did:plc:abc"],
            ["mirror", "get", "at://did:plc:abc/app.bsky.feed.post/3l"], ["mirror", "export", "did:plc:abc", folder.appendingPathComponent("x.car").path],
        ]
        for arguments in readers {
            let absent = try BreakwaterBinary.run(arguments + ["--db", missing])
            #expect(absent.status == 1, "\(arguments)")
            #expect(absent.stderr == "error: file-not-found: no database at \(missing)\n", "\(arguments)")
            #expect(!FileManager.default.fileExists(atPath: missing), "\(arguments) created the database")
            let blank = try BreakwaterBinary.run(arguments + ["--db", empty])
            #expect(blank.status == 1, "\(arguments)")
            #expect(blank.stderr.hasPrefix("error: not-a-database: "), "\(arguments): \(blank.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int == 0, "\(arguments) wrote the empty file")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["empty.sqlite"])
    }
}
