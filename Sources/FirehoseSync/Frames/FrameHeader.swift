import IPLD

/// What the transport, the recorder and the relay comparisons need from a frame, read without building its body:
/// the header (`op`, `t`) and the body's `seq`, account, and error or info name. Every other body value is
/// skipped, validated as strictly as ``Frame/init(decoding:)`` validates it, so a frame peeks exactly when it
/// decodes.
public struct FrameHeader: Sendable, Hashable {
    /// The header's `op`: 1 for a message, -1 for an error.
    public let op: Int64
    /// The header's `t` (e.g. `#commit`), absent on error frames.
    public let type: String?
    /// The body's `seq`, when present and an integer (as sent, possibly out of range).
    public let seq: Int64?
    /// The account the body names (`repo` on commits, `did` elsewhere), unvalidated.
    public let did: String?
    /// The body's `error` (error frames).
    public let error: String?
    /// The body's `message` (error frames and `#info`).
    public let message: String?
    /// The body's `name` (`#info`).
    public let name: String?

    /// The body keys whose values are read; every other value is skipped.
    static let readKeys: Set<String> = ["seq", "repo", "did", "error", "message", "name"]

    /// Peeks at a frame: the same refusals as ``Frame/init(decoding:)`` (size, strict DAG-CBOR for both items,
    /// nothing trailing, a map header with an integer `op` and a text `t`, a map body).
    public init(peeking bytes: [UInt8]) throws(FirehoseSyncError) {
        let items = try Frame.readItems(bytes) { reader throws(IPLDError) in try reader.readMap(selecting: FrameHeader.readKeys) }
        let (op, type) = try Frame.headerFields(items.header)
        guard let body = items.body else {
            throw FirehoseSyncError(.malformedFrame, "frame body is not a map")
        }
        self.op = op
        self.type = type
        seq = body["seq"]?.intValue
        did = body["repo"]?.stringValue ?? body["did"]?.stringValue
        error = body["error"]?.stringValue
        message = body["message"]?.stringValue
        name = body["name"]?.stringValue
    }

    /// The body's `seq` when it is a valid one (``EventSeq``): what may position a cursor or order a stream.
    public var validSeq: Int64? { seq.flatMap { EventSeq.isValid($0) ? $0 : nil } }
}
