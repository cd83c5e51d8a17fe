import Foundation

/// A URL that the guarded HTTP client may request: `https`, or `http` to a loopback host when the
/// configuration allows it (any `http` URL for an operator's endpoint, see
/// ``GuardedHTTPConfiguration/restrictsAddresses``); no credentials; a host that, when an IP literal, passes the
/// ``AddressPolicy``. Host names (`localhost` included) are checked on connection, against the address
/// they resolved to.
public struct GuardedURL: Hashable, Sendable, CustomStringConvertible {
    /// `https` or (loopback only) `http`.
    public let scheme: String
    /// The host, lowercase; IPv6 literals without brackets.
    public let host: String
    /// The explicit port, if any.
    public let port: Int?
    /// The whole URL as it will be requested.
    public let description: String

    /// Parses and checks `text` (`forbidden-address` when not allowed, `invalid-url` when not
    /// a URL).
    public init(_ text: String, configuration: GuardedHTTPConfiguration) throws(NetError) {
        guard let components = URLComponents(string: text), let rawScheme = components.scheme?.lowercased(),
              let rawHost = components.host, !rawHost.isEmpty
        else { throw NetError(.invalidURL, "\"\(text)\" is not an absolute URL") }
        guard components.user == nil, components.password == nil else {
            throw NetError(.forbiddenAddress, "\(text): URLs with credentials are refused")
        }
        var host = rawHost.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let loopbackName = GuardedURL.isLoopbackName(host)
        switch rawScheme {
        case "https":
            break
        case "http" where !configuration.restrictsAddresses || (configuration.allowHTTPLoopback && loopbackName):
            break
        default:
            throw NetError(.forbiddenAddress, "\(text): only https is allowed")
        }
        if configuration.restrictsAddresses && GuardedURL.isIPLiteral(host) { try configuration.addressPolicy.check(address: host) }
        if let port = components.port, !(1...65_535).contains(port) {
            throw NetError(.invalidURL, "\(text): invalid port")
        }
        self.scheme = rawScheme
        self.host = host
        self.port = components.port
        self.description = text
    }

    /// The key of this URL's rate-limit bucket: `host` or `host:port`.
    public var rateLimitKey: String { port.map { "\(host):\($0)" } ?? host }

    /// The rate-limit key of `text`, nil when it is not a URL `configuration` allows.
    public static func rateLimitKey(of text: String, configuration: GuardedHTTPConfiguration) -> String? {
        (try? GuardedURL(text, configuration: configuration))?.rateLimitKey
    }

    static func isIPLiteral(_ host: String) -> Bool {
        AddressPolicy.ipv4Bytes(host) != nil || AddressPolicy.ipv6Bytes(host) != nil
    }

    static func isLoopbackName(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        if let v4 = AddressPolicy.ipv4Bytes(host) { return v4[0] == 127 }
        return false
    }
}
