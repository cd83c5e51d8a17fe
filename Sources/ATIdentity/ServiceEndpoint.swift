/// A service endpoint URL restricted to scheme, host and optional port, as atproto requires for the
/// `#atproto_pds` service (e.g. `https://bsky.social`, `https://pds.example.com:8443`).
///
/// `https` is required, except that `http` is accepted for loopback hosts (`localhost`, `*.localhost`,
/// `127.x.x.x`, `[::1]`), which local development setups and recordings served on loopback use.
/// A single trailing `/` is tolerated and dropped; paths, queries, fragments and credentials are refused.
///
/// Spec: https://atproto.com/specs/did (Docs/SPEC.md §11)
public struct ServiceEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// `https` or (loopback only) `http`.
    public let scheme: String
    /// The host name or IP literal (IPv6 in brackets), lowercase.
    public let host: String
    /// The port, when given.
    public let port: Int?

    /// Parses an endpoint URL; nil when it is not of the allowed shape.
    public init?(_ url: String) {
        let lower = url.lowercased()
        let scheme: String
        var rest: Substring
        if lower.hasPrefix("https://") {
            scheme = "https"
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            scheme = "http"
            rest = lower.dropFirst(7)
        } else {
            return nil
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        var hostPart = rest
        var port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            hostPart = rest[...close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = ServiceEndpoint.port(after.dropFirst()) else { return nil }
                port = value
            }
            guard hostPart.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), hostPart.count > 2 else { return nil }
        } else {
            if let colon = rest.firstIndex(of: ":") {
                hostPart = rest[..<colon]
                guard let value = ServiceEndpoint.port(rest[rest.index(after: colon)...]) else { return nil }
                port = value
            }
            guard !hostPart.isEmpty, hostPart.utf8.count <= 253,
                  hostPart.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }),
                  !hostPart.hasPrefix("."), !hostPart.hasSuffix("."), !hostPart.contains("..")
            else { return nil }
        }
        let host = String(hostPart)
        if scheme == "http" && !ServiceEndpoint.isLoopback(host) { return nil }
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// The URL string, e.g. `https://bsky.social`.
    /// `host` or `host:port`: how the audit names the host of an account.
    public var hostLabel: String {
        if let port { return "\(host):\(port)" }
        return host
    }

    public var description: String {
        if let port { return "\(scheme)://\(host):\(port)" }
        return "\(scheme)://\(host)"
    }

    /// Whether the host is a loopback name or address.
    public var isLoopback: Bool { ServiceEndpoint.isLoopback(host) }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "[::1]"
    }

    static func port(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text), value > 0, value <= 65_535
        else { return nil }
        return value
    }
}
