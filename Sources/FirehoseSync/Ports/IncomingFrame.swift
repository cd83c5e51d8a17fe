/// One frame entering the pipeline: its position and bytes, and where the cursor stands once it is stored.
public struct IncomingFrame: Sendable {
    /// 0-based index in the recording or connection.
    public var index: Int
    /// The bytes.
    public var bytes: [UInt8]
    /// The cursor value to store once this frame and all before it are durable (frame index for recordings,
    /// relay seq for live streams).
    public var cursorPosition: Int64
    /// The number of the upstream connection that delivered it (0 for recordings; a change counts a reconnect).
    public var connection: Int
    /// When it was received from the network (µs since the epoch); nil for recordings (no lag is measured).
    public var receivedAt: Int64?
    /// The header peek already taken by whoever received the frame (the subscription), so the recorder and the
    /// progress tally need not peek again; nil when none was taken.
    public var peek: FramePeek?

    /// Creates an incoming frame.
    public init(index: Int, bytes: [UInt8], cursorPosition: Int64, connection: Int = 0, receivedAt: Int64? = nil,
                peek: FramePeek? = nil) {
        self.peek = peek
        self.index = index
        self.bytes = bytes
        self.cursorPosition = cursorPosition
        self.connection = connection
        self.receivedAt = receivedAt
    }
}
