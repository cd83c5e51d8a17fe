/// What the audit needs to know about one frame besides its outcome: the PDS host of its account, when it was
/// received, on which connection, and the event's own `time` field.
public struct EventReceipt: Sendable, Hashable {
    /// The PDS host of the event's account (`host` or `host:port`), nil when unknown.
    public var host: String?
    /// When the frame was received (µs since the Unix epoch).
    public var receivedMicros: Int64
    /// The event's `time` field (µs since the Unix epoch), when present and valid.
    public var eventMicros: Int64?
    /// The number of the upstream connection that delivered the frame (0 for recordings).
    public var connection: Int
    /// Whether the frame was received from the network now (lag is measured only then), not read from a recording.
    public var fromNetwork: Bool

    /// Creates a receipt.
    public init(host: String?, receivedMicros: Int64, eventMicros: Int64?, connection: Int, fromNetwork: Bool = false) {
        self.host = host
        self.receivedMicros = receivedMicros
        self.eventMicros = eventMicros
        self.connection = connection
        self.fromNetwork = fromNetwork
    }

    /// The instant the audit files the event under (its day and minute): the event's own `time` when valid and
    /// not more than a day after receipt, else the receipt time. A replayed recording thus keeps the days it
    /// was recorded on, and a producer's clock far ahead cannot push counts into the future.
    public var auditMicros: Int64 {
        if let eventMicros, eventMicros <= receivedMicros + 86_400_000_000 { return eventMicros }
        return receivedMicros
    }

    /// The host label under which events without a known PDS host are counted.
    public static let unknownHost = "unknown"

    /// The host label of a PDS endpoint URL (`https://pds.example.com` → `pds.example.com`, a port kept as
    /// `host:port`), or nil when it is not a URL with a host.
    public static func hostLabel(ofEndpoint url: String) -> String? {
        let lower = Array(url.lowercased().utf8)
        var start: Int?
        if lower.count >= 3 {
            for i in 0..<(lower.count - 2) where lower[i] == 0x3A && lower[i + 1] == 0x2F && lower[i + 2] == 0x2F {
                start = i + 3
                break
            }
        }
        guard let start else { return nil }
        var rest = Substring(String(decoding: lower[start...], as: UTF8.self))
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        guard !rest.isEmpty, rest.utf8.count <= 260 else { return nil }
        return String(rest)
    }
}
