/// How a subscription run ended (fatal conditions are thrown).
public struct SubscriptionResult: Sendable {
    /// Why it stopped.
    public enum End: Sendable, Equatable {
        /// The consumer asked to stop (event limit).
        case stopped
        /// The task was cancelled (shutdown, duration limit).
        case cancelled
        /// The upstream sent `FutureCursor` after frames had already been processed.
        case futureCursor(String?)
        /// A finite source (``FrameSequence``) had no more frames.
        case finished
    }

    /// Why it stopped.
    public var end: End
    /// Frames handed to the consumer.
    public var frames: Int
    /// The highest seq handed to the consumer.
    public var lastSeq: Int64?
    /// Connections opened (successful upgrades).
    public var connections: Int
    /// Reconnects scheduled after a connection ended or an attempt failed.
    public var reconnects: Int = 0

    /// A result.
    public init(end: End, frames: Int, lastSeq: Int64?, connections: Int, reconnects: Int = 0) {
        self.end = end
        self.frames = frames
        self.lastSeq = lastSeq
        self.connections = connections
        self.reconnects = reconnects
    }
}
