/// The one judge of stream order: where a frame's `seq` stands against the highest seq seen before it on the
/// same stream. A seq not above the highest is a regression (a duplicate or an older event); a jump of more
/// than one is a gap (relays skip seqs, so a gap is counted, never refused). The highest seq never moves back.
///
/// Every reader of stream order uses it: the subscription (a regression drops the connection), the pipeline's
/// reader (a regression becomes an `ignored` outcome), relay health (gaps and duplicates), and the live and
/// recorded relay comparisons.
public struct SeqOrder: Sendable, Hashable {
    /// Where one seq stands in the stream.
    public enum Judgement: Sendable, Hashable {
        /// The first seq of the stream: nothing to compare with.
        case first
        /// Exactly one above the highest seq seen.
        case next
        /// More than one above the highest seq seen (`previous`), skipping `missing` seqs.
        case gap(previous: Int64, missing: Int64)
        /// Not above the highest seq seen (`previous`): the stream went back or repeated itself.
        case regression(previous: Int64)

        /// Whether the seq advances the stream (anything but a regression).
        public var advances: Bool {
            if case .regression = self { return false }
            return true
        }
    }

    /// The highest seq seen, nil before the first.
    public private(set) var last: Int64?

    /// Creates a judge, optionally continuing after a known seq (a stored cursor, a recording's tail).
    public init(last: Int64? = nil) { self.last = last }

    /// Where `seq` would stand, without taking it into account.
    public func judge(_ seq: Int64) -> Judgement {
        guard let last else { return .first }
        if seq <= last { return .regression(previous: last) }
        if seq == last + 1 { return .next }
        return .gap(previous: last, missing: seq - last - 1)
    }

    /// Judges `seq` and takes it into account: the highest seq rises to it unless it is a regression.
    public mutating func observe(_ seq: Int64) -> Judgement {
        let judgement = judge(seq)
        if judgement.advances { last = seq }
        return judgement
    }
}
