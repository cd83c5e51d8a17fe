import FirehoseTesting
import Foundation
import Testing

/// `breakwater version`: the release version, and the commit, build date and toolchain stamped at build time.
@Suite("version")
struct VersionCommandTests {
    @Test("version names the release, commit, build date and toolchain of the build")
    func versionNamesTheBuild() throws {
        let result = try BreakwaterBinary.run(["version", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String])
        let release = try BreakwaterBinary.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(object["version"] == release)
        // Built from a git checkout: a commit hash (with -dirty when tracked files had changes).
        let commit = try #require(object["commit"])
        #expect(commit == "unknown" || commit.range(of: "^[0-9a-f]{40}(-dirty)?$", options: .regularExpression) != nil, "\(commit)")
        #expect(object["buildDate"]?.range(of: "^([0-9]{4}-[0-9]{2}-[0-9]{2}|unknown)$", options: .regularExpression) != nil)
        #expect(object["toolchain"]?.isEmpty == false)
        let text = try BreakwaterBinary.run(["version"])
        #expect(text.stdout.hasPrefix("breakwater \(release)\n"), "\(text.stdout)")
        #expect(text.stdout.contains("commit     \(commit)"))
    }

    @Test("the build stamp script writes the values from the environment, else unknown, without network")
    func buildStampFallsBackToUnknown() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-stamp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = Vectors.projectRoot.appendingPathComponent("Scripts/build-stamp.sh").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Not a git checkout: the commit is unknown; the values given in the environment are taken as they are.
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        process.arguments = [script, folder.path, folder.appendingPathComponent("out").path]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BREAKWATER_") && !$0.key.hasPrefix("GIT_") }
            .merging(["BREAKWATER_BUILD_DATE": "2026-01-02", "BREAKWATER_BUILD_TOOLCHAIN": "Swift version 9.9"]) { _, given in given }
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let text = try String(contentsOf: folder.appendingPathComponent("out/BuildStamp.swift"), encoding: .utf8)
        #expect(text.contains("static let commit = \"unknown\""), "\(text)")
        #expect(text.contains("static let date = \"2026-01-02\""))
        #expect(text.contains("static let toolchain = \"Swift version 9.9\""))
    }
}
