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
}

extension FrameSubscription {
    /// Runs from `cursor`, numbering frames from 0.
    public func run(cursor: Int64?, deliver: @escaping @Sendable (IncomingFrame) async -> Bool) async throws -> SubscriptionResult {
        try await run(cursor: cursor, startIndex: 0, deliver: deliver)
    }
}
