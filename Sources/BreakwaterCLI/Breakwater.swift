import ArgumentParser

/// The `breakwater` command: verifies the AT Protocol firehose.
@main
struct Breakwater: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "breakwater",
        abstract: "Verify the AT Protocol (Bluesky) firehose under Sync v1.1.",
        version: version,
        subcommands: [Inspect.self]
    )
}
