import IPLD

/// What the transport needs to know about a frame without verifying it: its `seq`, and for error frames
/// (`op` = -1) the error name (Docs/SPEC.md §1–§2). Read by ``FrameHeader`` (the body is not built); shared by the
/// subscription, the recorder and the test relay.
public struct FramePeek: Sendable, Hashable {
    /// The body's `seq` on a message frame (`op` = 1), when present and in the valid range (``EventSeq``): an
    /// out-of-range seq never becomes a cursor.
    public var seq: Int64?
    /// The `error` of an error frame.
    public var errorName: String?
    /// The `message` of an error frame.
    public var errorMessage: String?
    /// The message type of a message frame (`#commit`, `#identity`, ...).
    public var type: String?
    /// The `name` (and `message`) of an `#info` message, e.g. `OutdatedCursor`.
    public var infoName: String?
    /// The account the event is about (`repo` on `#commit`, `did` on the others).
    public var did: String?
    /// False when the bytes are not a decodable frame.
    public var decodable: Bool

    /// Peeks at `bytes` (``FrameHeader``: the body is not built). Never throws: undecodable bytes give
    /// `decodable == false`.
    public init(_ bytes: [UInt8]) {
        guard let frame = try? FrameHeader(peeking: bytes) else {
            self.decodable = false
            return
        }
        decodable = true
        if frame.op == 1 {
            type = frame.type
            seq = frame.validSeq
            did = frame.did
            if frame.type == "#info" {
                infoName = (frame.name ?? "unnamed") + (frame.message.map { ": " + $0 } ?? "")
            }
        } else if frame.op == -1 {
            errorName = frame.error ?? "unnamed error"
            errorMessage = frame.message
        }
    }

    /// The bytes of an error frame `{op: -1}{error, message}` (Docs/SPEC.md §1).
    public static func errorFrame(_ name: String, message: String?) -> [UInt8] {
        var body: [String: IPLDValue] = ["error": .string(name)]
        if let message { body["message"] = .string(message) }
        return Frame(op: -1, type: nil, body: body).encoded()
    }
}
