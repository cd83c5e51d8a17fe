import FirehoseSync
/// A parsed PostgreSQL address: `postgres://user[:password]@host[:port]/db[?sslmode=disable|require|verify-full]`
/// (`postgresql://` is accepted too). Percent-escapes in the user, password and database are decoded.
public struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP.
        case disable
        /// TLS, without checking the server's certificate.
        case require
        /// TLS, checking the certificate chain and the host name.
        case verifyFull = "verify-full"
    }

    /// The user name.
    public var user: String
    /// The password, when the URL has one.
    public var password: String?
    /// The server's host name or address.
    public var host: String
    /// The server's port (5432 when the URL names none).
    public var port: Int
    /// The database name.
    public var database: String
    /// TLS use (`disable` when the URL names none).
    public var tls: TLSMode

    /// True when `text` is meant as a PostgreSQL address (it starts with `postgres://` or `postgresql://`).
    public static func looksLikeAddress(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses an address; throws `postgres-invalid-address` naming what is wrong.
    public init(parsing text: String) throws {
        let rest: Substring
        if text.hasPrefix("postgres://") {
            rest = text.dropFirst("postgres://".count)
        } else if text.hasPrefix("postgresql://") {
            rest = text.dropFirst("postgresql://".count)
        } else {
            throw PostgresStoreError(.invalidAddress, "a PostgreSQL address starts with postgres://")
        }
        var main = rest
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            main = rest[..<mark]
            query = rest[rest.index(after: mark)...]
        }
        guard let at = main.lastIndex(of: "@") else {
            throw PostgresStoreError(.invalidAddress, "the address names no user (postgres://user@host/db)")
        }
        let credentials = main[..<at]
        let location = main[main.index(after: at)...]
        guard let slash = location.firstIndex(of: "/") else {
            throw PostgresStoreError(.invalidAddress, "the address names no database (postgres://user@host/db)")
        }
        let hostPort = location[..<slash]
        let databaseText = location[location.index(after: slash)...]
        if let colon = credentials.firstIndex(of: ":") {
            user = try Self.decoded(credentials[..<colon], "user")
            password = try Self.decoded(credentials[credentials.index(after: colon)...], "password")
        } else {
            user = try Self.decoded(credentials, "user")
            password = nil
        }
        guard !user.isEmpty else { throw PostgresStoreError(.invalidAddress, "the user name is empty") }
        database = try Self.decoded(databaseText, "database")
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresStoreError(.invalidAddress, "the database name is empty or has a slash")
        }
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw PostgresStoreError(.invalidAddress, "an IPv6 host lacks its closing ]") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            port = after.isEmpty ? 5432 : try Self.port(after.hasPrefix(":") ? after.dropFirst() : after)
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            port = try Self.port(hostPort[hostPort.index(after: colon)...])
        } else {
            host = String(hostPort)
            port = 5432
        }
        guard !host.isEmpty else { throw PostgresStoreError(.invalidAddress, "the host is empty") }
        tls = .disable
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw PostgresStoreError(.invalidAddress, "query item \(pair) has no value") }
            switch parts[0] {
            case "sslmode":
                switch parts[1] {
                case "disable": tls = .disable
                case "require": tls = .require
                case "verify-full": tls = .verifyFull
                default: throw PostgresStoreError(.invalidAddress, "sslmode \(parts[1]) is not disable, require or verify-full")
                }
            default:
                throw PostgresStoreError(.invalidAddress, "query item \(parts[0]) is not supported (only sslmode)")
            }
        }
    }

    /// The address without its password, for messages and logs.
    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        let query = tls == .disable ? "" : "?sslmode=\(tls.rawValue)"
        return "postgres://\(user)@\(hostText):\(port)/\(database)\(query)"
    }

    private static func port(_ text: Substring) throws -> Int {
        guard let value = Int(text), (1...65_535).contains(value) else {
            throw PostgresStoreError(.invalidAddress, "port \(text) is not a number from 1 to 65535")
        }
        return value
    }

    /// Decodes `%XX` escapes (``RequestTarget/percentDecoded(_:)``); a malformed escape or invalid UTF-8 is refused.
    private static func decoded(_ text: Substring, _ what: String) throws -> String {
        guard let string = RequestTarget.percentDecoded(String(text)) else {
            throw PostgresStoreError(.invalidAddress, "the \(what) has a malformed %-escape or is not UTF-8")
        }
        return string
    }
}
