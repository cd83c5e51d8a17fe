import ArgumentParser
import BreakwaterService
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation

/// The `breakwater` command: verifies the AT Protocol firehose.
@main
struct Breakwater: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "breakwater",
        abstract: "Verify the AT Protocol (Bluesky) firehose under Sync v1.1.",
        version: version,
        subcommands: [Consume.self, Replay.self, Record.self, Serve.self, Synth.self, Status.self, MirrorCommand.self, IdentityCommand.self, Inspect.self, Audit.self, Bench.self, Prune.self, DatabaseCommand.self, VersionCommand.self]
    )

    /// Runs the command with the exit codes of Docs/CONTRACT.md §1: 0 success (and `--help`, `--version`); 1 operational
    /// error, including a bad option value, with one line `error: CODE: message` on stderr; 2 usage error, with the
    /// usage text (``ParseFailure`` tells the two kinds of parse error apart).
    static func main() async {
        let arguments = NegativeValueArguments.joined(Array(CommandLine.arguments.dropFirst()))
        if arguments.isEmpty {
            // A bare `breakwater` names no command: a usage error (exit 2), not a help request.
            FileHandle.standardError.write(Data((usageText("no command given", commandStack: [Breakwater.self]) + "\n").utf8))
            Foundation.exit(2)
        }
        if let first = arguments.first, !first.hasPrefix("-"), !commandNames.contains(first) {
            FileHandle.standardError.write(Data((usageText("unknown command '\(first)'", commandStack: [Breakwater.self]) + "\n").utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as OperationalError {
            error.exit()
        } catch let error as StoreError {
            // A store failure that ended a run (disk-full, database-corrupt, …) keeps its own code.
            OperationalError(error.code.description, error.reason).exit()
        } catch let error as ServiceError {
            OperationalError(error.code, error.reason).exit()
        } catch let error as any CodedError {
            // IngestError, NetError and RelayError: their own code.
            OperationalError(error.codeName, error.reason).exit()
        } catch {
            switch ParseFailure(error) {
            case .badOption(let message):
                OperationalError("bad-option", message).exit()
            case .usage(let message, let commandStack):
                FileHandle.standardError.write(Data((usageText(message, commandStack: commandStack) + "\n").utf8))
                Foundation.exit(2)
            case .unclassified:
                break
            }
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            if code == .validationFailure {
                FileHandle.standardError.write(Data((lowercasedErrorPrefix(fullMessage(for: error)) + "\n").utf8))
                Foundation.exit(2)
            }
            if error is ExitCode { exit(withError: error) }
            OperationalError.describing(error).exit()
        }
    }

    /// The names `breakwater` takes as its first argument: the subcommands and ArgumentParser's `help`.
    static var commandNames: Set<String> {
        Set(configuration.subcommands.map { $0._commandName } + ["help"])
    }

    /// `text` with ArgumentParser's `Error: ` written `error: `, like every other error line (one capitalisation).
    static func lowercasedErrorPrefix(_ text: String) -> String {
        text.hasPrefix("Error: ") ? "error: " + text.dropFirst("Error: ".count) : text
    }

    /// ArgumentParser's text for a usage error, for one found by a `validate()` (``UsageError``): the message, the
    /// usage line of the command and where to find its help.
    static func usageText(_ message: String, commandStack: [any ParsableCommand.Type]) -> String {
        let command = commandStack.last ?? Breakwater.self
        let names = commandStack.map { $0._commandName }.joined(separator: " ")
        return "error: \(message)\nUsage: \(usageString(for: command))\n  See '\(names) --help' for more information."
    }
}

/// A usage error found by a `validate()` (Docs/CONTRACT.md §1: exit 2 with the usage text): a required option that
/// neither the command line nor the environment gives, options that go together or exclude each other. A bad
/// value is a `ValidationError` instead (exit 1, `error: bad-option: …`).
struct UsageError: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}

/// An operational failure of a command (Docs/CONTRACT.md §1: exit 1, `error: CODE: message`).
struct OperationalError: Error, CustomStringConvertible {
    let code: String
    let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "\(code): \(message)" }

    /// The error for a failure thrown without a code of its own: the code its description starts with
    /// (`frame-too-large: …` from a library error keeps `frame-too-large`), else `operational-error`.
    static func describing(_ error: any Error) -> OperationalError {
        let text = "\(error)"
        if let colon = text.range(of: ": ") {
            let code = text[..<colon.lowerBound]
            if !code.isEmpty, code.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }), code.first?.isLetter == true {
                return OperationalError(String(code), String(text[colon.upperBound...]))
            }
        }
        return OperationalError("operational-error", text)
    }

    /// `error: CODE: message` on one line (line breaks in the message become spaces).
    var line: String { "error: \(code): \(ParseFailure.oneLine(message))" }

    /// Writes ``line`` to stderr and exits with status 1.
    func exit() -> Never {
        FileHandle.standardError.write(Data((line + "\n").utf8))
        Foundation.exit(1)
    }
}
