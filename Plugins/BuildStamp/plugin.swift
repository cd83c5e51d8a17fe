import Foundation
import PackagePlugin

/// Writes `BuildStamp.swift` (commit, build date, toolchain of this build) for the `breakwater` executable, by
/// running `Scripts/build-stamp.sh` before every build. No network: the values come from the local git checkout,
/// the clock and `swift --version`, or from `BREAKWATER_BUILD_COMMIT`, `BREAKWATER_BUILD_DATE` and
/// `BREAKWATER_BUILD_TOOLCHAIN` when set; each falls back to `unknown`. The script rewrites the file only when a
/// value changed, so an unchanged checkout does not recompile.
@main
struct BuildStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuildStamp")
        let script = context.package.directoryURL.appendingPathComponent("Scripts/build-stamp.sh")
        let environment = ProcessInfo.processInfo.environment.filter {
            $0.key.hasPrefix("BREAKWATER_BUILD_") || $0.key == "PATH" || $0.key == "HOME"
        }
        return [
            .prebuildCommand(
                displayName: "Stamping the build (commit, date, toolchain)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [script.path, context.package.directoryURL.path, output.path],
                environment: environment,
                outputFilesDirectory: output),
        ]
    }
}
