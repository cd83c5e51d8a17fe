import FirehoseSync
import Foundation

/// A relay or PDS address turned into the `subscribeRepos` endpoint (Docs/SPEC.md §1): `wss://host` (or `ws://`
/// for local testing; `https`/`http` are accepted as synonyms) plus `/xrpc/com.atproto.sync.subscribeRepos`
/// unless the URL already names it.
public struct RelayURL: Sendable, Hashable, CustomStringConvertible {
    /// The endpoint path.
    public static let subscribePath = SubscribeRepos.path

    /// True for `wss://`.
    public let secure: Bool
    /// The host, without brackets for IPv6 literals.
    public let host: String
    /// The port (default 443 or 80).
    public let port: Int
    /// The path of the subscription endpoint.
    public let path: String
    /// The name to send in TLS SNI and check the certificate against (required for IP literals over TLS).
    public let sniHostname: String?
    /// The cursor in the query, when the URL itself carries one.
    public let cursor: Int64?

    /// Parses `text`. `sniHostname` overrides the server name used for TLS.
    public init(_ text: String, sniHostname: String? = nil) throws(NetError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw NetError(.invalidURL, "'\(text)' is not a URL")
        }
        switch scheme {
        case "wss", "https": secure = true
        case "ws", "http": secure = false
        default: throw NetError(.invalidURL, "'\(text)': the scheme must be wss:// or ws://")
        }
        guard var host = components.host, !host.isEmpty else { throw NetError(.invalidURL, "'\(text)' has no host") }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        port = components.port ?? (secure ? 443 : 80)
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if !path.hasSuffix("com.atproto.sync.subscribeRepos") { path += RelayURL.subscribePath }
        self.path = path
        cursor = components.queryItems?.first { $0.name == "cursor" }?.value.flatMap { Int64($0) }
        let isIPLiteral = RelayURL.isIPLiteral(host)
        if secure && isIPLiteral && sniHostname == nil {
            throw NetError(.invalidURL, "'\(text)': TLS to an IP address needs a server name for SNI and the certificate check")
        }
        self.sniHostname = sniHostname ?? (isIPLiteral ? nil : host)
    }

    /// The URL for a connection starting after `cursor` (no cursor: from "now").
    public func url(cursor: Int64?) -> String {
        "\(secure ? "wss" : "ws")://\(authority)\(path)" + (cursor.map { "?cursor=\($0)" } ?? "")
    }

    /// `host[:port]` as written in a URL.
    var authority: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return (secure && port == 443) || (!secure && port == 80) ? shownHost : "\(shownHost):\(port)"
    }

    /// The `Host` header.
    var hostHeader: String { authority }

    /// Path and query of the upgrade request for a connection starting after `cursor`.
    func pathAndQuery(cursor: Int64?) -> String { path + (cursor.map { "?cursor=\($0)" } ?? "") }

    public var description: String { url(cursor: nil) }

    static func isIPLiteral(_ host: String) -> Bool {
        if host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}
