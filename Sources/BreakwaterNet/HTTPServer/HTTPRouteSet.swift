import FirehoseSync
import Foundation

/// A request as a route set sees it: method, percent-decoded path and query parameters.
public struct HTTPRequestInfo: Sendable {
    /// The method (`GET`, …).
    public var method: String
    /// The percent-decoded path.
    public var path: String
    /// Query parameters (the first of repeated names).
    public var query: [String: String]

    /// Creates a request from its method and request target (`/path?query`).
    public init(method: String, uri: String) {
        let target = RequestTarget(uri)
        self.method = method
        self.path = target.path
        self.query = target.query
    }
}

/// A response: status, content type and body.
public struct HTTPReply: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type`.
    public var contentType: String
    /// The body.
    public var body: [UInt8]
    /// Further headers.
    public var headers: [(String, String)]

    /// Creates a response.
    public init(status: Int, contentType: String, body: [UInt8], headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// A JSON response from text already serialised.
    public static func json(_ status: Int, _ text: String) -> HTTPReply {
        HTTPReply(status: status, contentType: "application/json", body: Array(text.utf8))
    }

    /// A JSON error body `{"error": code, "message": message}`.
    public static func error(_ status: Int, _ code: String, _ message: String) -> HTTPReply {
        let object = ["error": code, "message": message]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return HTTPReply(status: status, contentType: "application/json", body: Array(data) + [0x0a])
    }
}

/// A set of GET routes served by an ``HTTPAPIServer`` (e.g. `/metrics`, or the status API).
///
/// The server asks each set in turn whether it serves a path; the first that does answers. Methods other than
/// GET and HEAD on a served path get 405, unserved paths 404.
public protocol HTTPRouteSet: Sendable {
    /// Whether this set answers `path`.
    func serves(_ path: String) -> Bool
    /// The answer to a GET of a path this set serves (status codes such as 400 and 404 included).
    func reply(to request: HTTPRequestInfo) async -> HTTPReply
}
