import ArgumentParser
import Foundation

/// What kind of parse error ArgumentParser threw, for the exit codes of Docs/CONTRACT.md §1.
///
/// A bad option value, one that does not parse (`--workers abc`, `--policy foo`) or fails a `validate()` check
/// (`--workers 0`, `--faults 2`), is an operational error: exit 1 with one line `error: bad-option: …`. A usage error
/// keeps ArgumentParser's exit 2 and usage text: an unknown option or subcommand, a missing argument or option value,
/// extra arguments, and a ``UsageError`` from a `validate()`.
///
/// ArgumentParser's error (`CommandError`, holding a `ParserError` case) is not public, so the case is read by
/// reflection on its name; anything not recognised is ``unclassified`` and keeps ArgumentParser's own handling
/// (help and version exit 0, the rest exits 2).
enum ParseFailure {
    /// A value that does not parse or fails a `validate()` check, with ArgumentParser's message on one line.
    case badOption(String)
    /// A ``UsageError`` from a `validate()`: its message and the commands parsed (root first).
    case usage(String, commandStack: [any ParsableCommand.Type])
    /// Anything else: help and version requests, ArgumentParser's own usage errors, errors thrown by `run()`.
    case unclassified

    init(_ error: any Error) {
        if let validation = error as? ValidationError {
            // Thrown by `run()` rather than `validate()`: still a bad value.
            self = .badOption(Self.oneLine(validation.message))
            return
        }
        guard let (name, payload, commandStack) = Self.parserErrorCase(of: error) else {
            self = .unclassified
            return
        }
        switch name {
        case "unableToParseValue":
            self = .badOption(Self.oneLine(Breakwater.message(for: error)))
        case "userValidationError":
            switch payload {
            case let usage as UsageError:
                self = .usage(usage.message, commandStack: commandStack)
            case is ValidationError:
                self = .badOption(Self.oneLine(Breakwater.message(for: error)))
            default:
                // CleanExit, ExitCode and other errors thrown by a `validate()`: ArgumentParser knows what they mean.
                self = .unclassified
            }
        default:
            self = .unclassified
        }
    }

    /// The case name and payload of the `ParserError` inside ArgumentParser's `CommandError` (or of a bare
    /// `ParserError`), with the command stack when there is one; nil for any other error.
    static func parserErrorCase(of error: any Error) -> (name: String, payload: Any?, commandStack: [any ParsableCommand.Type])? {
        let typeName = String(reflecting: type(of: error))
        let parserError: Any
        var commandStack: [any ParsableCommand.Type] = []
        switch typeName {
        case "ArgumentParser.CommandError":
            let fields = Mirror(reflecting: error).children
            guard let value = fields.first(where: { $0.label == "parserError" })?.value else { return nil }
            parserError = value
            commandStack = fields.first(where: { $0.label == "commandStack" })?.value as? [any ParsableCommand.Type] ?? []
        case "ArgumentParser.ParserError":
            parserError = error
        default:
            return nil
        }
        let mirror = Mirror(reflecting: parserError)
        guard mirror.displayStyle == .enum else { return nil }
        // A case with a payload shows as one child labelled with the case name; a case without one has no children.
        if let child = mirror.children.first, let label = child.label {
            return (label, child.value, commandStack)
        }
        return (String(describing: parserError), nil, commandStack)
    }

    /// `text` on one line: each line break, with the white space around it, becomes one space.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
