/// What a ``FaultProxy`` does to the connections it carries: which faults, how often, and the seed its choices
/// come from. The choices (which connection fails, after how many bytes, how, for how long) are drawn from the
/// seed in a fixed order, so the same mix over the same byte stream makes the same decisions; only the moments
/// the kernel hands over bytes differ between runs.
public struct FaultMix: Sendable, CustomStringConvertible {
    /// How a connection ends when its fault comes.
    public enum Ending: String, Sendable, CaseIterable {
        /// A TCP reset (RST) to the client and a close towards the server.
        case reset
        /// The server side is dropped and the client's socket stays open and silent, never closed by the proxy
        /// (as when a middlebox forgets the connection): only the client's read timeout ends it.
        case halfOpen = "half-open"
        /// The proxy stops forwarding in both directions for longer than any read timeout, then closes.
        case stall
    }

    /// A name for reports.
    public var name: String
    /// The seed of every choice.
    public var seed: UInt64
    /// The endings to choose from (empty: connections are never ended by the proxy).
    public var endings: [Ending]
    /// A connection's ending comes after a number of server-to-client bytes drawn uniformly from this range.
    public var bytesBeforeEnding: ClosedRange<Int>
    /// How many connections may be ended in all (later connections pass unharmed, so a run always completes).
    public var maxEndings: Int
    /// Pauses that the client survives: after about this many bytes (uniform in the range) forwarding stops for
    /// `pauseMilliseconds` (nil: no pauses).
    public var pauseEvery: ClosedRange<Int>?
    /// The length of a pause, in milliseconds (uniform in the range).
    public var pauseMilliseconds: ClosedRange<Int>
    /// Windows in which server-to-client bytes are written one at a time (each its own TCP segment, paced): one
    /// starts after about this many bytes (uniform in the range; nil: none).
    public var singleBytesEvery: ClosedRange<Int>?
    /// The length of such a window in bytes.
    public var singleBytesWindow: Int
    /// The client's HTTP upgrade request is sent to the server one byte at a time.
    public var splitRequest: Bool
    /// Bytes per second from server to client (nil: no cap).
    public var bandwidth: Int?
    /// Latency added to every chunk the server sends, in milliseconds (uniform in the range).
    public var latencyMilliseconds: ClosedRange<Int>

    /// Creates a mix; every fault is off unless given.
    public init(name: String, seed: UInt64, endings: [Ending] = [], bytesBeforeEnding: ClosedRange<Int> = 200_000...800_000,
                maxEndings: Int = 8, pauseEvery: ClosedRange<Int>? = nil, pauseMilliseconds: ClosedRange<Int> = 50...400,
                singleBytesEvery: ClosedRange<Int>? = nil, singleBytesWindow: Int = 2_048, splitRequest: Bool = false,
                bandwidth: Int? = nil, latencyMilliseconds: ClosedRange<Int> = 0...0) {
        self.name = name
        self.seed = seed
        self.endings = endings
        self.bytesBeforeEnding = bytesBeforeEnding
        self.maxEndings = maxEndings
        self.pauseEvery = pauseEvery
        self.pauseMilliseconds = pauseMilliseconds
        self.singleBytesEvery = singleBytesEvery
        self.singleBytesWindow = singleBytesWindow
        self.splitRequest = splitRequest
        self.bandwidth = bandwidth
        self.latencyMilliseconds = latencyMilliseconds
    }

    /// The mix in one line.
    public var description: String {
        var parts = ["\(name) (seed \(seed))"]
        if !endings.isEmpty {
            parts.append("endings \(endings.map(\.rawValue).joined(separator: "/")) every \(bytesBeforeEnding) bytes, at most \(maxEndings)")
        }
        if let pauseEvery { parts.append("pauses of \(pauseMilliseconds) ms every \(pauseEvery) bytes") }
        if let singleBytesEvery { parts.append("\(singleBytesWindow)-byte single-byte windows every \(singleBytesEvery) bytes") }
        if splitRequest { parts.append("upgrade request byte by byte") }
        if let bandwidth { parts.append("\(bandwidth) bytes/s") }
        if latencyMilliseconds != 0...0 { parts.append("latency \(latencyMilliseconds) ms per chunk") }
        return parts.joined(separator: "; ")
    }
}
