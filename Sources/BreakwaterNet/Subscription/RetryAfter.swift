public import Foundation

/// The `Retry-After` header (RFC 9110 §10.2.3) of a refused subscription, a 429/503 `getRepo` and a webhook answer:
/// the one parser all of them use. Each caller applies its own ceiling and default on top.
public enum RetryAfter {
    /// The longest wait any answer can ask for: one hour.
    public static let ceiling: Duration = .seconds(3600)

    /// Parses delay-seconds (a non-negative integer, surrounding spaces allowed) or an HTTP date (a date in the
    /// past is no wait), capped at ``ceiling``; nil when absent or invalid.
    public static func parse(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) {
            guard seconds >= 0 else { return nil }
            return .seconds(min(seconds, 3600))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        let seconds = max(0, min(3600, date.timeIntervalSince(now)))
        return .milliseconds(Int64(seconds * 1000))
    }
}
