import ArgumentParser
import BreakwaterService

/// `breakwater version [--json]`: the release version, commit, build date and toolchain (``BuildInfo``).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Show the version, commit, build date and toolchain of this build.")

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        if json {
            print(JSONOutput.string(BuildInfo.fields))
            return
        }
        print("breakwater \(BuildInfo.version)")
        print("commit     \(BuildInfo.commit)")
        print("built      \(BuildInfo.date)")
        print("toolchain  \(BuildInfo.toolchain)")
    }
}
