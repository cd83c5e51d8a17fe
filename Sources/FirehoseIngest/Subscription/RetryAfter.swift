import Foundation

/// The `Retry-After` header of a refused subscription (SPEC.md §1: 429 and 503 carry it).
enum RetryAfter {
    /// Parses delay-seconds or an HTTP date (RFC 9110 §10.2.3), capped at one hour; nil when absent or invalid.
    static func parse(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value), seconds >= 0 { return .seconds(min(seconds, 3600)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        let seconds = max(0, min(3600, date.timeIntervalSince(now)))
        return .milliseconds(Int64(seconds * 1000))
    }
}
