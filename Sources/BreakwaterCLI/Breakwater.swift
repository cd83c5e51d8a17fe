import ArgumentParser
import Foundation

/// The `breakwater` command: verifies the AT Protocol firehose.
@main
struct Breakwater: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "breakwater",
        abstract: "Verify the AT Protocol (Bluesky) firehose under Sync v1.1.",
        version: version,
        subcommands: [Consume.self, Replay.self, Record.self, Serve.self, Synth.self, Status.self, MirrorCommand.self, Inspect.self, Audit.self, Bench.self]
    )

    /// Runs the command with the exit codes of CONTRACT.md §1: 0 success, 1 operational error (one line on
    /// stderr), 2 usage error.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as OperationalError {
            FileHandle.standardError.write(Data("error: \(error.code): \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            if error is ExitCode { exit(withError: error) }
            FileHandle.standardError.write(Data("error: operational-error: \(error)\n".utf8))
            Foundation.exit(1)
        }
    }
}

/// An operational failure of a command (CONTRACT.md §1: exit 1, `error: CODE: message`).
struct OperationalError: Error, CustomStringConvertible {
    let code: String
    let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    init(code: String, message: String) {
        self.init(code, message)
    }

    var description: String { "\(code): \(message)" }
}
