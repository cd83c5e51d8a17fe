import FirehoseTesting
import Foundation
import Testing

/// `replay` without an identities file beside the recording and without `--identities` says so on stderr, with
/// the place it looked, instead of running silently into `unverifiable` outcomes.
@Suite("replay warns without identities")
struct ReplayIdentitiesWarningTests {
    @Test func replayWithoutAnIdentitiesFileWarnsWhereItLooked() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = Vectors.projectRoot.appendingPathComponent("Replays/indigo-post-lifecycle")
        try FileManager.default.copyItem(at: source.appendingPathComponent("frames.bin"), to: folder.appendingPathComponent("frames.bin"))
        let expected = "warning: no identities file found: looked for \(folder.appendingPathComponent("identities.json").path)"

        let bare = try BreakwaterBinary.run(["replay", folder.path, "--json"])
        #expect(bare.status == 0)
        #expect(bare.stderr.contains(expected), "\(bare.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(bare.stdout.utf8)) as? [String: Any]
        #expect((summary?["outcomes"] as? [String: Int])?["unverifiable"] ?? 0 > 0)

        // Given with --identities, or present beside the recording: no warning.
        let named = try BreakwaterBinary.run(["replay", folder.path, "--identities", source.appendingPathComponent("identities.json").path])
        #expect(named.status == 0)
        #expect(!named.stderr.contains("no identities file"), "\(named.stderr)")
        try FileManager.default.copyItem(at: source.appendingPathComponent("identities.json"), to: folder.appendingPathComponent("identities.json"))
        let beside = try BreakwaterBinary.run(["replay", folder.appendingPathComponent("frames.bin").path])
        #expect(beside.status == 0)
        #expect(!beside.stderr.contains("no identities file"), "\(beside.stderr)")
    }
}
