/// Any `AsyncSequence` of frames as a ``FrameSubscription``: what the live ingest reads when the frames do not come
/// from a relay connection (a test's stream, a paced recording, a proxy). Each frame is handed over in order and the
/// next one is pulled only once `deliver` returned, so the sequence gets the same backpressure a socket does.
///
/// The cursor is the sequence's business: ``run(cursor:startIndex:deliver:)`` ignores it, and renumbers nothing (the
/// frames keep their own indexes). A sequence that ends gives ``SubscriptionResult/End-swift.enum/finished``; one that
/// throws ends the run with its error.
public struct FrameSequence<Frames: AsyncSequence & Sendable>: FrameSubscription where Frames.Element == IncomingFrame {
    /// The frames.
    public let frames: Frames
    /// Where they come from, for people and logs.
    public let upstream: String

    /// A subscription over `frames`, named `upstream`.
    public init(_ frames: Frames, upstream: String) {
        self.frames = frames
        self.upstream = upstream
    }

    public func run(cursor: Int64?, startIndex: Int, deliver: @escaping @Sendable (IncomingFrame) async -> Bool) async throws -> SubscriptionResult {
        var delivered = 0
        var lastSeq: Int64? = nil
        for try await frame in frames {
            if Task.isCancelled {
                return SubscriptionResult(end: .cancelled, frames: delivered, lastSeq: lastSeq, connections: 1)
            }
            let keepGoing = await deliver(frame)
            delivered += 1
            lastSeq = frame.cursorPosition
            if !keepGoing { return SubscriptionResult(end: .stopped, frames: delivered, lastSeq: lastSeq, connections: 1) }
        }
        return SubscriptionResult(end: Task.isCancelled ? .cancelled : .finished, frames: delivered, lastSeq: lastSeq, connections: 1)
    }
}
