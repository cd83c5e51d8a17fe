/// Stream-order check (Docs/SPEC.md §2): a frame whose seq is not above the previous seq (``SeqOrder``) is not
/// processed. It is judged `ignored` (`stale-rev`: an event the stream already delivered), with the seqs in the
/// detail. Gaps are counted, not refused: relays skip seqs.
public struct SeqTracker: Sendable {
    /// The stream order of the frames read.
    private var order: SeqOrder
    /// The highest seq seen.
    public var last: Int64? { order.last }
    /// Frames refused for a duplicate or lower seq.
    public private(set) var regressions = 0
    /// Seq jumps of more than one.
    public private(set) var gaps = 0

    /// Creates a tracker, optionally continuing from a known seq.
    public init(last: Int64? = nil) { order = SeqOrder(last: last) }

    /// Passes `event` through, or turns it into an `ignored` outcome when its seq does not advance.
    public mutating func check(_ event: DecodedEvent) -> DecodedEvent {
        guard case .message(let message, let index, let bytes) = event, let seq = message.seq else { return event }
        let judgement = order.observe(seq)
        if case .regression(let last) = judgement {
            regressions += 1
            let type: EventType
            switch message {
            case .commit: type = .commit
            case .sync: type = .sync
            case .identity, .handle: type = .identity
            case .account, .migrate, .tombstone: type = .account
            default: type = .unknown
            }
            var rev: String? = nil
            if case .commit(let commit) = message { rev = commit.rev }
            if case .sync(let sync) = message { rev = sync.rev }
            let judged = JudgedEvent(index: index, seq: seq, type: type, did: message.did, rev: rev)
            return .final(Judgement(judged, .ignored(Rejection(.staleRev, "seq \(seq) is not above the previous seq \(last)"))),
                          frameBytes: bytes)
        }
        if case .gap = judgement { gaps += 1 }
        return event
    }
}
