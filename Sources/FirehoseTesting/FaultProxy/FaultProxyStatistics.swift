/// What a ``FaultProxy`` did, for test reports.
public struct FaultProxyStatistics: Sendable, Hashable, CustomStringConvertible {
    /// Connections accepted from clients.
    public var connections = 0
    /// Connections ended with a TCP reset.
    public var resets = 0
    /// Connections left half-open (server side dropped, client side silent).
    public var halfOpen = 0
    /// Connections stalled until the client gave up.
    public var stalls = 0
    /// Pauses the client survived.
    public var pauses = 0
    /// Bytes written one at a time.
    public var singleBytes = 0
    /// Chunks delayed by added latency.
    public var delayedChunks = 0
    /// Bytes forwarded from server to client.
    public var bytesToClient = 0
    /// Bytes forwarded from client to server.
    public var bytesToServer = 0

    /// The faults injected in all.
    public var faults: Int { resets + halfOpen + stalls + pauses }

    /// One line.
    public var description: String {
        "\(connections) connections, \(faults) faults (\(resets) resets, \(halfOpen) half-open, \(stalls) stalls, \(pauses) pauses), "
            + "\(singleBytes) single-byte writes, \(delayedChunks) delayed chunks, \(bytesToClient) bytes to the client"
    }
}
