/// An event of an account held while the account's resync runs, to be applied on the fetched repository.
public struct HeldEvent: Sendable {
    /// The event.
    public var message: FirehoseMessage
    /// Its frame index.
    public var index: Int
    /// Its rev.
    public var rev: String
    /// Its frame's size in bytes (the holding queue is bounded by bytes too).
    public var bytes: Int

    /// Holds an event.
    public init(message: FirehoseMessage, index: Int, rev: String, bytes: Int) {
        self.message = message
        self.index = index
        self.rev = rev
        self.bytes = bytes
    }
}
