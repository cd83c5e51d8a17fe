import BreakwaterService

/// What this build of `breakwater` is: the release version, and the commit, build date (UTC day) and toolchain
/// stamped at build time by the BuildStamp plugin (`unknown` when not found, e.g. outside a git checkout).
/// Shown by `breakwater version`, in `/health` of the status API and as the `breakwater_build_info` metric.
enum BuildInfo {
    /// The release version (`breakwater --version`).
    static var version: String { Breakwater.version }
    /// The git commit built (`-dirty` when tracked files had changes), or `unknown`.
    static var commit: String { BuildStamp.commit }
    /// The UTC day of the build (`YYYY-MM-DD`), or `unknown`.
    static var date: String { BuildStamp.date }
    /// The Swift toolchain that built it (`Swift version 6.3.1`), or `unknown`.
    static var toolchain: String { BuildStamp.toolchain }

    /// The four values, for the status API and the build info metric.
    static var description: BuildDescription {
        BuildDescription(version: version, commit: commit, date: date, toolchain: toolchain)
    }

    /// The four values as a JSON-ready dictionary.
    static var fields: [String: String] {
        ["version": version, "commit": commit, "buildDate": date, "toolchain": toolchain]
    }
}
