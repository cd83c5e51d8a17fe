/// One request a ``ScriptedHTTPServer`` received, as it arrived.
public struct ScriptedHTTPRequest: Sendable {
    /// The method (`GET`, `POST`…).
    public var method: String
    /// The request target: the path with its query, as sent.
    public var target: String
    /// The header fields, names lower-cased, in the order received.
    public var headers: [(name: String, value: String)]
    /// The body (after removing any chunked framing).
    public var body: [UInt8]
    /// The status the server answered with; nil when it hung, closed or wrote raw bytes.
    public var answeredStatus: Int?

    /// The value of the first header field called `name` (any case).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }

    /// The header fields as a dictionary (lower-cased names; a repeated name keeps its last value).
    public var headerFields: [String: String] {
        Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    /// The target without its query.
    public var path: String { String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "") }
}
