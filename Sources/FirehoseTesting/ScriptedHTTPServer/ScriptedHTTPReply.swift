/// What a ``ScriptedHTTPServer`` does with one request: an ordinary response, a slow one, a misbehaving
/// connection (never answering, closing, raw bytes), or any of these after a delay.
public indirect enum ScriptedHTTPReply: Sendable {
    /// A response with `status`, extra `headers` and `body`. The server adds `Content-Length` (unless `headers`
    /// carry one) when `announceLength` is true, and sends the body chunked when it is false.
    case status(Int, headers: [(String, String)] = [], body: [UInt8] = [], announceLength: Bool = true)
    /// A response whose `body` (announced with `Content-Length`) is written `chunk` bytes at a time, `interval` apart.
    case trickle(Int, headers: [(String, String)] = [], body: [UInt8], chunk: Int, interval: Duration)
    /// `reply`, after waiting `delay`.
    case delayed(Duration, ScriptedHTTPReply)
    /// Reads the request and never answers; the connection stays open until the client or the server ends it.
    case hang
    /// Reads the request and closes the connection without an answer.
    case close
    /// Writes these bytes as they are (a hand-made response, right or wrong), then closes the connection.
    case raw([UInt8])

    /// A `status` response with a JSON `body` (`Content-Type: application/json`) and extra `headers`.
    public static func json(_ body: String, status: Int = 200, headers: [(String, String)] = []) -> ScriptedHTTPReply {
        .status(status, headers: [("Content-Type", "application/json")] + headers, body: Array(body.utf8))
    }

    /// A redirect (`302` unless told) to `location`, with an empty body.
    public static func redirect(_ location: String, status: Int = 302) -> ScriptedHTTPReply {
        .status(status, headers: [("Location", location)])
    }

    /// The status code the reply answers with; nil when it never sends a parsed response.
    public var statusCode: Int? {
        switch self {
        case .status(let code, _, _, _), .trickle(let code, _, _, _, _): code
        case .delayed(_, let reply): reply.statusCode
        case .hang, .close, .raw: nil
        }
    }
}
