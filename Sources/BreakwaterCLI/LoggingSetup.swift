import BreakwaterService
import ArgumentParser
import Foundation
import Logging
import Synchronization

/// How log lines are written on stderr.
enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// swift-log's human-readable lines.
    case text
    /// One JSON object per line (``JSONLogHandler``).
    case json
}

/// Logging for the executable: stderr, level from `--log-level` where a command has it, else `BREAKWATER_LOG_LEVEL`
/// (default `info`), format from `--log-format` where a command has it, else `BREAKWATER_LOG_FORMAT` (default
/// `text`). The first call bootstraps swift-log; later calls only make loggers. An unknown value in either
/// variable is refused (`error: bad-option: …`, exit 1) rather than ignored.
enum LoggingSetup {
    private static let bootstrapped = Mutex(false)

    /// The format `BREAKWATER_LOG_FORMAT` names, if set and known.
    static var environmentFormat: LogFormat? {
        EnvironmentOption.value(nil, env: "BREAKWATER_LOG_FORMAT").flatMap { LogFormat(rawValue: $0.lowercased()) }
    }

    /// The level `BREAKWATER_LOG_LEVEL` names, if set and known.
    static var environmentLevel: Logger.Level? {
        EnvironmentOption.value(nil, env: "BREAKWATER_LOG_LEVEL").flatMap { Logger.Level(rawValue: $0.lowercased()) }
    }

    /// Throws a `ValidationError` (exit 1, `bad-option`) when a `BREAKWATER_LOG_*` variable holds an unknown value.
    static func checkEnvironment() throws {
        if let text = EnvironmentOption.value(nil, env: "BREAKWATER_LOG_FORMAT"), environmentFormat == nil {
            throw ValidationError("BREAKWATER_LOG_FORMAT=\(text) is not one of text, json")
        }
        if let text = EnvironmentOption.value(nil, env: "BREAKWATER_LOG_LEVEL"), environmentLevel == nil {
            throw ValidationError("BREAKWATER_LOG_LEVEL=\(text) is not one of "
                + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    static func bootstrap(format: LogFormat? = nil, level: Logger.Level? = nil) {
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            do {
                try checkEnvironment()
            } catch let error as ValidationError {
                OperationalError("bad-option", error.message).exit()
            } catch {}
            let level = level ?? environmentLevel ?? .info
            let format = format ?? environmentFormat ?? .text
            LoggingSystem.bootstrap { label in
                switch format {
                case .text:
                    var handler = StreamLogHandler.standardError(label: label)
                    handler.logLevel = level
                    return handler
                case .json:
                    var handler = JSONLogHandler(label: label)
                    handler.logLevel = level
                    return handler
                }
            }
        }
    }

    static func logger(_ label: String, format: LogFormat? = nil, level: Logger.Level? = nil) -> Logger {
        bootstrap(format: format, level: level)
        return Logger(label: label)
    }
}
