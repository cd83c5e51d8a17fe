/// A live stream of firehose frames (a relay subscription): the port through which the live ingest receives
/// frames without knowing the transport.
///
/// ``run(cursor:startIndex:deliver:)`` hands every frame to `deliver` in order and waits for it to return (that is
/// the backpressure); `deliver` returning false stops the run. Fatal conditions are thrown, preferably as a
/// ``CodedError``.
public protocol FrameSubscription: Sendable {
    /// Where the frames come from, for people and logs (the relay URL).
    var upstream: String { get }

    /// Runs from `cursor` (nil: the upstream's "now") until `deliver` returns false, the task is cancelled or a
    /// fatal condition; frames are numbered from `startIndex`.
    func run(cursor: Int64?, startIndex: Int, deliver: @escaping @Sendable (IncomingFrame) async -> Bool) async throws -> SubscriptionResult

    /// As ``run(cursor:startIndex:deliver:)``, handing over frames in batches (non-empty, in order: whatever arrived
    /// together, within the subscription's bounds) and waiting for `deliver` to return, so a batch costs one hand-off.
    /// The reply says how many frames were taken and whether to go on; the frames not taken count as not delivered.
    func runBatches(cursor: Int64?, startIndex: Int,
                    deliver: @escaping @Sendable ([IncomingFrame]) async -> FrameBatchReply) async throws -> SubscriptionResult
}

extension FrameSubscription {
    /// Batches of one frame each, over ``run(cursor:startIndex:deliver:)``: for subscriptions that receive frames one
    /// at a time.
    public func runBatches(cursor: Int64?, startIndex: Int,
                           deliver: @escaping @Sendable ([IncomingFrame]) async -> FrameBatchReply) async throws -> SubscriptionResult {
        try await run(cursor: cursor, startIndex: startIndex) { frame in
            await deliver([frame]).keepGoing
        }
    }

    /// Runs from `cursor`, numbering frames from 0.
    public func run(cursor: Int64?, deliver: @escaping @Sendable (IncomingFrame) async -> Bool) async throws -> SubscriptionResult {
        try await run(cursor: cursor, startIndex: 0, deliver: deliver)
    }
}
