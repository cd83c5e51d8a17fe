/// The valid range of an event's `seq` (Docs/SPEC.md §2: a positive integer that stays below 2^53, the JavaScript-safe
/// range). A `seq` outside it is a malformed event: it is refused and never becomes a cursor, so one hostile frame
/// (seq 2^63−1, or a negative seq) cannot push the stream's position out of reach.
public enum EventSeq {
    /// 1 … 2^53 − 1.
    public static let range: ClosedRange<Int64> = 1...((1 << 53) - 1)

    /// Whether `seq` is in ``range``.
    public static func isValid(_ seq: Int64) -> Bool { range.contains(seq) }

    /// The rejection of an out-of-range `seq` on a `type` event.
    static func rejection(_ seq: Int64, type: String) -> Rejection {
        Rejection(.malformedEvent, "\(type) seq \(seq) is outside 1…2^53−1")
    }
}
