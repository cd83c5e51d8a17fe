/// A timestamp identifier: 13 base32-sortable characters encoding a 64-bit integer made of a
/// microsecond timestamp (high bits) and a 10-bit clock identifier (low bits).
///
/// Used for commit revisions (`rev`) and many record keys. The string alphabet is
/// `234567abcdefghijklmnopqrstuvwxyz`, most significant digit first, so the string order and the
/// integer order agree. The first character is one of `234567abcdefghij` (Docs/SPEC.md §12; the
/// atproto spec's regex).
///
/// The type never reads a clock: callers pass the current time where one is needed.
///
/// Spec: https://atproto.com/specs/tid
public struct TID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 64-bit value: `microseconds << 10 | clockID`.
    public let rawValue: UInt64

    /// The number of characters in a TID.
    public static let length = 13
    /// The number of clock identifiers (the clock id is 10 bits).
    public static let clockIDCount: UInt16 = 1024
    /// One more than the largest encodable microsecond timestamp (54 bits: the first character
    /// carries four bits).
    public static let microsecondsLimit: UInt64 = 1 << 54

    /// The all-zero TID, `2222222222222`.
    public static let zero = TID(rawValue: 0)

    /// A TID from its 64-bit value. Every value has a valid 13-character encoding.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// A TID from a timestamp in microseconds since the Unix epoch and a clock identifier (0–1023).
    public init(microseconds: UInt64, clockID: UInt16) throws(ATSyntaxError) {
        guard microseconds < TID.microsecondsLimit else {
            throw ATSyntaxError(.outOfRange, "TID timestamp \(microseconds) µs does not fit in 54 bits")
        }
        guard clockID < TID.clockIDCount else {
            throw ATSyntaxError(.outOfRange, "TID clock id \(clockID) is not below 1024")
        }
        self.rawValue = microseconds << 10 | UInt64(clockID)
    }

    /// Parses and validates a TID string.
    public init(_ string: String) throws(ATSyntaxError) {
        let result = ASCII.withBytes(of: string) { TID.decode($0) }
        switch result {
        case .success(let value): self.rawValue = value
        case .failure(let problem): throw ATSyntaxError(.invalidTID, "\(problem): \(Quoted(string))")
        }
    }

    /// Whether `string` is a valid TID.
    public static func isValid(_ string: String) -> Bool {
        if case .success = ASCII.withBytes(of: string, { decode($0) }) { return true }
        return false
    }

    /// Microseconds since the Unix epoch.
    public var microseconds: UInt64 { rawValue >> 10 }

    /// The clock identifier (0–1023).
    public var clockID: UInt16 { UInt16(truncatingIfNeeded: rawValue & 0x3FF) }

    /// The 13-character string form.
    public var description: String {
        String(unsafeUninitializedCapacity: TID.length) { out in
            for position in 0..<TID.length {
                let shift = UInt64(5 * (TID.length - 1 - position))
                out[position] = TID.alphabet[Int(truncatingIfNeeded: (rawValue >> shift) & 0x1F)]
            }
            return TID.length
        }
    }

    /// The next TID for a clock that has reached `nowMicroseconds`: `now` with `clockID`, or just above
    /// `previous` when `now` is not later (keeps revisions strictly increasing).
    public static func next(after previous: TID?, nowMicroseconds: UInt64, clockID: UInt16) throws(ATSyntaxError) -> TID {
        let candidate = try TID(microseconds: nowMicroseconds, clockID: clockID)
        guard let previous, candidate <= previous else { return candidate }
        return try TID(microseconds: previous.microseconds + 1, clockID: clockID)
    }

    public static func < (lhs: TID, rhs: TID) -> Bool { lhs.rawValue < rhs.rawValue }

    static let alphabet: [UInt8] = Array("234567abcdefghijklmnopqrstuvwxyz".utf8)

    /// The value of one base32-sortable digit, or nil.
    @inline(__always)
    static func digit(_ c: UInt8) -> UInt64? {
        if c >= UInt8(ascii: "2") && c <= UInt8(ascii: "7") { return UInt64(c - UInt8(ascii: "2")) }
        if ASCII.isLower(c) { return UInt64(c - UInt8(ascii: "a") + 6) }
        return nil
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<UInt64, Problem> {
        guard bytes.count == length else { return .failure("must be exactly \(length) characters") }
        var value: UInt64 = 0
        for (position, c) in bytes.enumerated() {
            guard let digit = digit(c) else { return .failure("character \(ASCII.show(c)) not in the TID alphabet") }
            if position == 0 && digit >= 16 { return .failure("first character must be one of 234567abcdefghij") }
            value = value << 5 | digit
        }
        return .success(value)
    }
}
