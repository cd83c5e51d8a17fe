/// What build of `breakwater` is running, as `/health` and the `breakwater_build_info` metric show it: the release
/// version and the commit, build date (UTC day) and toolchain stamped at build time (`unknown` when not found).
package struct BuildDescription: Sendable {
    /// The release version.
    package let version: String
    /// The git commit built, or `unknown`.
    package let commit: String
    /// The UTC day of the build (`YYYY-MM-DD`), or `unknown`.
    package let date: String
    /// The Swift toolchain that built it, or `unknown`.
    package let toolchain: String

    /// A description of the given values.
    package init(version: String, commit: String, date: String, toolchain: String) {
        self.version = version
        self.commit = commit
        self.date = date
        self.toolchain = toolchain
    }
}
