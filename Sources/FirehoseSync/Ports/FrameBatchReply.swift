/// What the consumer of a batch of frames (``FrameSubscription/runBatches(cursor:startIndex:deliver:)``) did with it:
/// how many of its frames it took, from the front, and whether it wants more.
public struct FrameBatchReply: Sendable, Equatable {
    /// Frames taken from the front of the batch (the rest were not processed).
    public var taken: Int
    /// False to stop the run after the frames taken.
    public var keepGoing: Bool

    /// A reply: `taken` frames from the front, and whether to go on.
    public init(taken: Int, keepGoing: Bool) {
        self.taken = taken
        self.keepGoing = keepGoing
    }
}
