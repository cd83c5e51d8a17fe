package import Foundation
package import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line on stderr (`--log-format json`):
/// `{"time": RFC 3339 UTC, "level", "label", "message", "source", …metadata}` with the metadata keys at the top
/// level (they are dotted, e.g. `alert.did`, so they do not clash with the fixed keys). Integer, floating-point
/// and boolean metadata values stay JSON numbers and booleans; lists and dictionaries become arrays and objects.
package struct JSONLogHandler: LogHandler {
    package let label: String
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    private let output: @Sendable (Data) -> Void

    /// Lines go to stderr whole, one writer at a time.
    private static let stderrLock = Mutex(())

    package init(label: String, output: (@Sendable (Data) -> Void)? = nil) {
        self.label = label
        self.output = output ?? { data in
            JSONLogHandler.stderrLock.withLock { _ in FileHandle.standardError.write(data) }
        }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        var object: [String: Any] = [:]
        for (key, value) in merged { object[key] = JSONLogHandler.json(value) }
        object["time"] = JSONLogHandler.timestamp()
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = event.message.description
        object["source"] = event.source
        if let error = event.error { object["error"] = "\(error)" }
        var data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"message":"unserialisable log line"}"#.utf8)
        data.append(0x0a)
        output(data)
    }

    package static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as Int: return number
            case let number as Int64: return number
            case let number as Int32: return number
            case let number as UInt64: return number
            case let number as Double where number.isFinite: return number
            case let flag as Bool: return flag
            default: return convertible.description
            }
        case .array(let values): return values.map(json)
        case .dictionary(let values): return values.mapValues(json)
        }
    }

    package static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
