public import FirehoseSync

/// Follows one upstream's frames in stream order and counts what the relay health section of the audit
/// needs: gaps and duplicates in `seq` (judged by ``SeqOrder``, as everywhere else), reconnects, and lag. Pure:
/// fed by the pipeline's writer, in frame order, so its counts match the reader's stream-order check exactly.
public struct RelayHealthTracker: Sendable {
    var order = SeqOrder()
    var lastConnection: Int?
    /// Increments since the last ``take()``.
    public private(set) var pending = RelayHealthDelta()

    /// Creates a tracker.
    public init() {}

    /// Counts one frame.
    public mutating func observe(seq: Int64?, receipt: EventReceipt) {
        pending.frames += 1
        if pending.firstSeenMicros == nil { pending.firstSeenMicros = receipt.receivedMicros }
        pending.lastSeenMicros = receipt.receivedMicros
        if let last = lastConnection, receipt.connection != last { pending.reconnects += 1 }
        lastConnection = receipt.connection
        if let seq {
            switch order.observe(seq) {
            case .regression: pending.duplicates += 1
            case .gap(_, let missing):
                pending.gaps += 1
                pending.missingSeqs += missing
            case .first, .next: break
            }
            pending.lastSeq = order.last
        }
        if receipt.fromNetwork, let event = receipt.eventMicros {
            pending.addLag(millis: (receipt.receivedMicros - event) / 1000)
        }
    }

    /// Returns the increments counted since the last call and starts over.
    public mutating func take() -> RelayHealthDelta {
        defer { pending = RelayHealthDelta() }
        return pending
    }
}
