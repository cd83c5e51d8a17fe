public import IPLD

/// One event-stream message: a DAG-CBOR header and a DAG-CBOR body, back to back
/// (https://atproto.com/specs/event-stream#streaming-wire-protocol-v0).
public struct Frame: Sendable {
    /// The largest frame accepted, in bytes (Docs/SPEC.md §1).
    public static let maxSize = 5_000_000

    /// The header's `op`: 1 for a message, -1 for an error.
    public let op: Int64
    /// The header's `t` (e.g. `#commit`), absent on error frames.
    public let type: String?
    /// The decoded body (always a map on a valid frame).
    public let body: [String: IPLDValue]

    /// Decodes a frame strictly: size ≤ 5 MB, exactly two strict DAG-CBOR items, a map header with an
    /// integer `op` (and a text `t` when `op` is 1), a map body.
    public init(decoding bytes: [UInt8]) throws(FirehoseSyncError) {
        let items = try Frame.readItems(bytes) { reader throws(IPLDError) in try reader.readValue() }
        let (op, type) = try Frame.headerFields(items.header)
        guard case .map(let body) = items.body else {
            throw FirehoseSyncError(.malformedFrame, "frame body is not a map")
        }
        self.op = op
        self.type = type
        self.body = body
    }

    /// The two items of a frame, read strictly: size ≤ ``maxSize``, the header as a value, the body through
    /// `readBody`, nothing after it. ``init(decoding:)`` and ``FrameHeader/init(peeking:)`` both read through it, so
    /// a frame peeks exactly when it decodes.
    static func readItems<Body>(_ bytes: [UInt8], body readBody: (inout DAGCBORReader) throws(IPLDError) -> Body)
        throws(FirehoseSyncError) -> (header: IPLDValue, body: Body) {
        guard bytes.count <= Frame.maxSize else {
            throw FirehoseSyncError(.frameTooLarge, "frame of \(bytes.count) bytes exceeds \(Frame.maxSize)")
        }
        do {
            return try bytes.withUnsafeBytes { buffer in
                var reader = DAGCBORReader(buffer)
                let header = try reader.readValue()
                guard !reader.isAtEnd else { throw IPLDError(.truncated, "frame has a header but no body") }
                let body = try readBody(&reader)
                guard reader.isAtEnd else {
                    throw IPLDError(.trailingBytes, "frame holds more than two items", offset: reader.offset)
                }
                return (header, body)
            }
        } catch {
            throw FirehoseSyncError(.malformedFrame, "\(error)")
        }
    }

    /// The header's `op` and `t`: the header must be a map with an integer `op`, and `t`, when present, text.
    static func headerFields(_ header: IPLDValue) throws(FirehoseSyncError) -> (op: Int64, type: String?) {
        guard case .map(let fields) = header else {
            throw FirehoseSyncError(.malformedFrame, "frame header is not a map")
        }
        guard let op = fields["op"]?.intValue else {
            throw FirehoseSyncError(.malformedFrame, "frame header has no integer op")
        }
        var type: String? = nil
        if let t = fields["t"] {
            guard let text = t.stringValue else { throw FirehoseSyncError(.malformedFrame, "frame header t is not a string") }
            type = text
        }
        return (op, type)
    }

    /// Creates a frame from parts (for encoding).
    public init(op: Int64, type: String?, body: [String: IPLDValue]) {
        self.op = op
        self.type = type
        self.body = body
    }

    /// Encodes the frame as header bytes followed by body bytes.
    public func encoded() -> [UInt8] {
        var header: [String: IPLDValue] = ["op": .int(op)]
        if let type { header["t"] = .string(type) }
        var writer = DAGCBORWriter(capacity: 256)
        writer.write(.map(header))
        writer.write(.map(body))
        return writer.bytes
    }

    /// The message type name without the leading `#` when the header's `t` is a short fragment.
    public var shortType: String? {
        guard let type else { return nil }
        if type.hasPrefix("#") { return String(type.dropFirst()) }
        if type.hasPrefix("com.atproto.sync.subscribeRepos#") { return String(type.dropFirst("com.atproto.sync.subscribeRepos#".count)) }
        return nil
    }

    /// The body's `seq`, when present and an integer (as sent: outcome lines report it even when out of range).
    public var seq: Int64? { body["seq"]?.intValue }

    /// The body's `seq` when it is a valid one (``EventSeq``): what may position a cursor or order a stream.
    public var validSeq: Int64? { seq.flatMap { EventSeq.isValid($0) ? $0 : nil } }

    /// The account DID named by the body (`repo` on commits, `did` elsewhere), unvalidated.
    public var didField: String? { body["repo"]?.stringValue ?? body["did"]?.stringValue }

    /// The body's `rev`, unvalidated.
    public var revField: String? { body["rev"]?.stringValue }
}
