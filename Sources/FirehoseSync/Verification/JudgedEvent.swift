/// The event a verdict is about, as the outcome line names it: its frame index, seq, type, account and rev.
public struct JudgedEvent: Sendable, Hashable {
    /// 0-based index of the frame in the recording or connection.
    public var index: Int
    /// The event's seq, when it has one.
    public var seq: Int64?
    /// The event type.
    public var type: EventType
    /// The account, when the event names one.
    public var did: String?
    /// The rev of a commit or `#sync`.
    public var rev: String?

    /// Names an event.
    public init(index: Int, seq: Int64?, type: EventType, did: String?, rev: String?) {
        self.index = index
        self.seq = seq
        self.type = type
        self.did = did
        self.rev = rev
    }
}
