/// An atproto datetime: RFC 3339 with a mandatory timezone, in the ISO 8601-compatible subset.
///
/// `YYYY-MM-DDTHH:MM:SS[.fraction]` then `Z` or `±HH:MM` (not `-00:00`); uppercase `T` and `Z`; the
/// fraction has 1–20 digits. Beyond syntax, the fields must name a real instant (month 1–12, a day
/// that exists in that month, hour ≤ 23, minute and second ≤ 59) and the instant in UTC must not be
/// before `0000-01-01T00:00:00Z`. The original string is kept; ``microsecondsSinceEpoch`` is the
/// instant (fraction truncated to microseconds), computed without Foundation.
///
/// Spec: https://atproto.com/specs/lexicon#datetime (Docs/SPEC.md §12)
public struct Datetime: Hashable, Sendable, CustomStringConvertible {
    /// The datetime string as given.
    public let description: String
    /// Microseconds since `1970-01-01T00:00:00Z` (negative before it).
    public let microsecondsSinceEpoch: Int64
    /// The timezone offset in minutes east of UTC (0 for `Z`).
    public let utcOffsetMinutes: Int

    /// Parses and validates a datetime.
    public init(_ string: String) throws(ATSyntaxError) {
        let result = ASCII.withBytes(of: string) { Datetime.parse($0) }
        switch result {
        case .success(let parsed):
            self.description = string
            self.microsecondsSinceEpoch = parsed.micros
            self.utcOffsetMinutes = parsed.offset
        case .failure(let problem):
            throw ATSyntaxError(.invalidDatetime, "\(problem): \(Quoted(string))")
        }
    }

    /// The UTC datetime for an instant, written `YYYY-MM-DDTHH:MM:SS.mmmZ` (six fraction digits when
    /// the instant has sub-millisecond precision). Years 0000–9999 only.
    public init(microsecondsSinceEpoch micros: Int64) throws(ATSyntaxError) {
        guard micros >= Datetime.earliestMicroseconds, micros <= Datetime.latestMicroseconds else {
            throw ATSyntaxError(.outOfRange, "instant \(micros) µs is outside years 0000–9999")
        }
        let days = Datetime.floorDivide(micros, Datetime.microsecondsPerDay)
        let inDay = micros - days * Datetime.microsecondsPerDay
        let (year, month, day) = Datetime.civil(fromDays: days)
        let seconds = inDay / 1_000_000
        let fraction = inDay % 1_000_000
        var out = Datetime.pad(year, 4) + "-" + Datetime.pad(month, 2) + "-" + Datetime.pad(day, 2)
        out += "T" + Datetime.pad(seconds / 3600, 2) + ":" + Datetime.pad(seconds / 60 % 60, 2) + ":" + Datetime.pad(seconds % 60, 2)
        out += fraction % 1000 == 0 ? "." + Datetime.pad(fraction / 1000, 3) : "." + Datetime.pad(fraction, 6)
        self.description = out + "Z"
        self.microsecondsSinceEpoch = micros
        self.utcOffsetMinutes = 0
    }

    /// Whether `string` is a valid datetime.
    public static func isValid(_ string: String) -> Bool {
        if case .success = ASCII.withBytes(of: string, { parse($0) }) { return true }
        return false
    }

    /// Reads a datetime in the forms servers send besides the lexicon's own (see ``Form``): no timezone
    /// (read as UTC), a lowercase `t` or `z`, `-00:00`. The fraction may have 0–20 digits. The calendar
    /// checks are the same as for a strict datetime. Nil when the text is no datetime at all.
    public static func lenient(_ string: String) -> (datetime: Datetime, form: Form)? {
        if let strict = try? Datetime(string) { return (strict, .standard) }
        guard case .success(let parsed) = ASCII.withBytes(of: string, { parse($0, lenient: true) }) else { return nil }
        return (Datetime(description: string, micros: parsed.micros, offset: parsed.offset), .nonstandard)
    }

    /// Whether a datetime read by ``lenient(_:)`` was in the lexicon's form.
    public enum Form: Sendable, Hashable {
        /// RFC 3339 as the lexicon asks (what ``init(_:)`` accepts).
        case standard
        /// Readable, but not in the lexicon's form (no timezone, lowercase `t`/`z`, `-00:00`).
        case nonstandard
    }

    init(description: String, micros: Int64, offset: Int) {
        self.description = description
        self.microsecondsSinceEpoch = micros
        self.utcOffsetMinutes = offset
    }

    static let microsecondsPerDay: Int64 = 86_400 * 1_000_000
    /// `0000-01-01T00:00:00Z`.
    static let earliestMicroseconds: Int64 = daysFromCivil(year: 0, month: 1, day: 1) * microsecondsPerDay
    /// `9999-12-31T23:59:59.999999Z`.
    static let latestMicroseconds: Int64 = daysFromCivil(year: 10000, month: 1, day: 1) * microsecondsPerDay - 1

    /// Parses the strict form, or with `lenient` also: no timezone (UTC), `t`, `z`, `-00:00`.
    static func parse(_ b: UnsafeBufferPointer<UInt8>, lenient: Bool = false) -> Result<(micros: Int64, offset: Int), Problem> {
        // Fixed layout: YYYY-MM-DDTHH:MM:SS
        guard b.count >= (lenient ? 19 : 20) else { return .failure("too short for YYYY-MM-DDTHH:MM:SS and a timezone") }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<(start + count) {
                let c = b[index]
                guard ASCII.isDigit(c) else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), b[4] == ASCII.hyphen, let month = number(5, 2), b[7] == ASCII.hyphen,
              let day = number(8, 2), b[10] == UInt8(ascii: "T") || (lenient && b[10] == UInt8(ascii: "t")), let hour = number(11, 2), b[13] == ASCII.colon,
              let minute = number(14, 2), b[16] == ASCII.colon, let second = number(17, 2)
        else { return .failure("not in the form YYYY-MM-DDTHH:MM:SS") }
        var index = 19
        var fractionMicros: Int64 = 0
        if index < b.count, b[index] == ASCII.dot {
            index += 1
            let start = index
            while index < b.count, ASCII.isDigit(b[index]) {
                if index - start < 6 { fractionMicros = fractionMicros * 10 + Int64(b[index] - 0x30) }
                index += 1
            }
            let digits = index - start
            if digits == 0 || digits > 20 { return .failure("fraction must have 1 to 20 digits") }
            for _ in min(digits, 6)..<6 { fractionMicros *= 10 }
        }
        var offsetMinutes = 0
        if index == b.count {
            guard lenient else { return .failure("timezone is required") }
        } else if b[index] == UInt8(ascii: "Z") || (lenient && b[index] == UInt8(ascii: "z")) {
            index += 1
        } else if b[index] == UInt8(ascii: "+") || b[index] == ASCII.hyphen {
            let negative = b[index] == ASCII.hyphen
            guard b.count - index == 6, let offsetHour = number(index + 1, 2), b[index + 3] == ASCII.colon,
                  let offsetMinute = number(index + 4, 2)
            else { return .failure("timezone offset must be ±HH:MM") }
            if offsetHour > 23 || offsetMinute > 59 { return .failure("timezone offset out of range") }
            if negative && offsetHour == 0 && offsetMinute == 0 && !lenient { return .failure("offset -00:00 is not allowed") }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (negative ? -1 : 1)
            index += 6
        } else {
            return .failure("timezone must be Z or ±HH:MM")
        }
        if index != b.count { return .failure("unexpected characters after the timezone") }
        // Semantic checks.
        if month < 1 || month > 12 { return .failure("month \(month) out of range") }
        if day < 1 || day > daysInMonth(year: year, month: month) { return .failure("day \(day) does not exist in \(year)-\(month)") }
        if hour > 23 { return .failure("hour \(hour) out of range") }
        if minute > 59 { return .failure("minute \(minute) out of range") }
        if second > 59 { return .failure("second \(second) out of range") }
        let days = daysFromCivil(year: year, month: month, day: day)
        let localSeconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let utcMicros = (localSeconds - Int64(offsetMinutes * 60)) * 1_000_000 + fractionMicros
        if utcMicros < earliestMicroseconds { return .failure("instant is before year 0000 in UTC") }
        return .success((utcMicros, offsetMinutes))
    }
}
