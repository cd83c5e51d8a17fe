import ArgumentParser
import Foundation
import Logging

/// `--log-format` and `--log-level`, on every long-running command (`consume`, `record`, `serve`). Each falls back
/// to its environment variable (`BREAKWATER_LOG_FORMAT`, `BREAKWATER_LOG_LEVEL`); a value that is not one of the
/// known ones, given either way, is refused as `bad-option` before the command starts.
struct LogOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Log lines on stderr as text or json (one object per line; progress lines too). Default text. Env: BREAKWATER_LOG_FORMAT.",
                               valueName: "format"))
    var logFormat: LogFormat?

    @Option(help: ArgumentHelp("Lowest level logged: trace, debug, info, notice, warning, error or critical. Default info. Env: BREAKWATER_LOG_LEVEL.",
                               valueName: "level"))
    var logLevel: LogLevelOption?

    func validate() throws {
        try LoggingSetup.checkEnvironment()
    }

    /// The format: the option, else the environment, else text.
    var format: LogFormat { logFormat ?? LoggingSetup.environmentFormat ?? .text }

    /// The level: the option, else the environment, else info.
    var level: Logger.Level { logLevel?.level ?? LoggingSetup.environmentLevel ?? .info }

    /// Bootstraps logging with these settings and returns a logger labelled `label`.
    func logger(_ label: String) -> Logger {
        LoggingSetup.logger(label, format: format, level: level)
    }
}

/// `--log-level`: swift-log's levels by name.
struct LogLevelOption: ExpressibleByArgument, Sendable {
    let level: Logger.Level

    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument.lowercased()) else { return nil }
        self.level = level
    }

    static var allValueStrings: [String] { Logger.Level.allCases.map(\.rawValue) }
}
