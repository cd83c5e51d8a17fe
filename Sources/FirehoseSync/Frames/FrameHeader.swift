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
        guard bytes.count <= Frame.maxSize else {
            throw FirehoseSyncError(.frameTooLarge, "frame of \(bytes.count) bytes exceeds \(Frame.maxSize)")
        }
        let decoded: (IPLDValue, [String: IPLDValue]?)
        do {
            decoded = try bytes.withUnsafeBytes { buffer in
                var reader = DAGCBORReader(buffer)
                let header = try reader.readValue()
                guard !reader.isAtEnd else { throw IPLDError(.truncated, "frame has a header but no body") }
                let body = try reader.readMap(selecting: FrameHeader.readKeys)
                guard reader.isAtEnd else {
                    throw IPLDError(.trailingBytes, "frame holds more than two items", offset: reader.offset)
                }
                return (header, body)
            }
        } catch {
            throw FirehoseSyncError(.malformedFrame, "\(error)")
        }
        guard case .map(let header) = decoded.0 else {
            throw FirehoseSyncError(.malformedFrame, "frame header is not a map")
        }
        guard let op = header["op"]?.intValue else {
            throw FirehoseSyncError(.malformedFrame, "frame header has no integer op")
        }
        var type: String? = nil
        if let t = header["t"] {
            guard let text = t.stringValue else { throw FirehoseSyncError(.malformedFrame, "frame header t is not a string") }
            type = text
        }
        guard let body = decoded.1 else {
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
