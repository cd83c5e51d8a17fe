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

/// Logging for the executable: stderr, level from `BREAKWATER_LOG_LEVEL` (default `info`), format from
/// `--log-format` where a command has it, else `BREAKWATER_LOG_FORMAT` (default `text`). The first call
/// bootstraps swift-log; later calls only make loggers.
enum LoggingSetup {
    private static let bootstrapped = Mutex(false)

    static func bootstrap(format: LogFormat? = nil) {
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            let environment = ProcessInfo.processInfo.environment
            let level = environment["BREAKWATER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            let format = format ?? environment["BREAKWATER_LOG_FORMAT"].flatMap(LogFormat.init(rawValue:)) ?? .text
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

    static func logger(_ label: String, format: LogFormat? = nil) -> Logger {
        bootstrap(format: format)
        return Logger(label: label)
    }
}
