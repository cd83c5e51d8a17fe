import ATSyntax
import IPLD

/// The `time` field of an event envelope, read leniently (Docs/CONTRACT.md §3 step 2): it is unsigned broadcast
/// metadata, so a form outside the lexicon earns a warning and never a rejection.
///
/// Accepted without a warning: the lexicon's RFC 3339 datetime. With `time-nonstandard`: no timezone (UTC),
/// 0–20 fraction digits, `+HH:MM`/`-HH:MM` including `-00:00`, a lowercase `t` or `z`. With `time-missing`
/// (absent or null) or `time-unreadable` (anything else) the event has no time, and the receipt time stands in.
enum EnvelopeTime {
    /// The text to keep (nil when there is no usable time) and the warning, if any.
    static func read(_ value: IPLDValue?) -> (text: String?, warning: ConformanceWarning?) {
        switch value {
        case nil, .null?:
            return (nil, .timeMissing)
        case .string(let text)?:
            guard let read = Datetime.lenient(text) else { return (nil, .timeUnreadable) }
            return (text, read.form == .standard ? nil : .timeNonstandard)
        default:
            return (nil, .timeUnreadable)
        }
    }

    /// The instant of a kept `time` text, in µs since the Unix epoch.
    static func micros(_ text: String?) -> Int64? {
        text.flatMap { Datetime.lenient($0)?.datetime.microsecondsSinceEpoch }
    }
}
