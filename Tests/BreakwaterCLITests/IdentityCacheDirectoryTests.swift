import FirehoseTesting
import Foundation
import Testing

/// A cached resolution failure belongs to the PLC directory that was asked: after a failed
/// look-up through one directory, a look-up through another asks that one instead of returning the cached failure
/// for two minutes; the error names the directory; `identity forget DID` clears the entry.
@Suite("Identity cache per directory", .serialized, .timeLimit(.minutes(2)))
struct IdentityCacheDirectoryTests {
    @Test func aCachedFailureOfOneDirectoryDoesNotAnswerForAnother() async throws {
        let fixture = try MirrorImportResolutionTests.Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let did = fixture.dids[0]
        let database = fixture.database("state.sqlite")
        let unreachable = "http://127.0.0.1:1"
        let failed = try BreakwaterBinary.run(["mirror", "import", did, fixture.car(did), "--plc", unreachable, "--db", database])
        #expect(failed.status == 1)
        #expect(failed.stderr.hasPrefix("error: identity-unavailable: "), "\(failed.stderr)")
        #expect(failed.stderr.contains("127.0.0.1:1"), "the error names the directory: \(failed.stderr)")
        let (byOption, byEnvironment) = try await MirrorImportResolutionTests.withServer(fixture.recording) { plc in
            (try BreakwaterBinary.run(["mirror", "import", did, fixture.car(did), "--plc", plc, "--db", database]),
             try BreakwaterBinary.run(["mirror", "import", did, fixture.car(did), "--db", database], environment: ["BREAKWATER_PLC": plc]))
        }
        #expect(byOption.status == 0, "\(byOption.stderr)")
        #expect(byEnvironment.status == 0, "\(byEnvironment.stderr)")
    }

    @Test func identityForgetClearsOneCachedEntry() throws {
        let fixture = try MirrorImportResolutionTests.Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let did = fixture.dids[0]
        let database = fixture.database("state.sqlite")
        let failed = try BreakwaterBinary.run(["mirror", "import", did, fixture.car(did), "--plc", "http://127.0.0.1:1", "--db", database])
        #expect(failed.status == 1)
        let forgotten = try BreakwaterBinary.run(["identity", "forget", did, "--db", database])
        #expect(forgotten.status == 0, "\(forgotten.stderr)")
        #expect(forgotten.stdout == "forgot the cached identity of \(did)\n")
        let again = try BreakwaterBinary.run(["identity", "forget", did, "--db", database])
        #expect(again.status == 0)
        #expect(again.stdout == "\(did) has no cached identity\n")
        let missing = try BreakwaterBinary.run(["identity", "forget", did, "--db", fixture.database("missing.sqlite")])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: file-not-found: "))
        #expect(!FileManager.default.fileExists(atPath: fixture.database("missing.sqlite")))
    }
}
