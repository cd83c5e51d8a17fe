/// Limits and safety settings of a ``GuardedHTTPClient`` (Docs/SPEC.md §11): identity look-ups (the defaults, which
/// suit the live network), blob downloads and `getRepo` (``RepoFetchConfiguration/clientConfiguration``). Tests
/// shorten the timeouts and allow loopback.
public struct GuardedHTTPConfiguration: Hashable, Sendable {
    /// Sent as `User-Agent` with every request.
    public var userAgent: String
    /// The longest a TCP (and TLS) connection may take to establish.
    public var connectTimeout: Duration
    /// The longest one request may take in all: rate-limit wait, connection, redirects and body.
    public var totalTimeout: Duration
    /// The longest the connection may stay silent while a response is awaited or read (nil: ``totalTimeout``).
    public var idleTimeout: Duration? = nil
    /// The slowest acceptable body transfer, in bytes per second, averaged since the body started, checked once
    /// ``rateGracePeriod`` has passed (nil: no minimum).
    public var minimumBytesPerSecond: Int? = nil
    /// How long a body may take before its transfer rate is checked.
    public var rateGracePeriod: Duration = .seconds(10)
    /// The largest response body read; a larger one is refused without reading it all.
    public var maxResponseBytes: Int
    /// How many redirects are followed (each checked like the first URL).
    public var maxRedirects: Int
    /// Whether `http://` to `localhost` / `127.0.0.1` / `[::1]` is allowed, and loopback addresses
    /// with it (tests, `serve`). Off for live use: everything else must be `https`.
    public var allowHTTPLoopback: Bool
    /// Which addresses may be connected to, checked after DNS resolution on every connection.
    public var addressPolicy: AddressPolicy
    /// False for an endpoint the operator named (the alert webhook): any `http`/`https` URL and any address are
    /// allowed, since the rules above guard against hosts that the network names.
    public var restrictsAddresses: Bool = true
    /// The request budget of each host.
    public var perHostLimit: HostRateLimiter.Limit
    /// Budgets for particular hosts (`host` or `host:port`), e.g. a PLC directory.
    public var hostLimits: [String: HostRateLimiter.Limit]

    /// A configuration; the address policy allows loopback exactly when `allowHTTPLoopback` does.
    public init(userAgent: String = GuardedHTTPConfiguration.defaultUserAgent,
                connectTimeout: Duration = .seconds(5), totalTimeout: Duration = .seconds(15),
                maxResponseBytes: Int = 1 << 20, maxRedirects: Int = 2, allowHTTPLoopback: Bool = false,
                perHostLimit: HostRateLimiter.Limit = HostRateLimiter.Limit(perSecond: 10, burst: 20),
                hostLimits: [String: HostRateLimiter.Limit] = [:]) {
        self.userAgent = userAgent
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
        self.allowHTTPLoopback = allowHTTPLoopback
        self.addressPolicy = AddressPolicy(allowLoopback: allowHTTPLoopback)
        self.perHostLimit = perHostLimit
        self.hostLimits = hostLimits
    }

    /// The default `User-Agent`.
    public static let defaultUserAgent = "breakwater/0.1 (atproto firehose verifier)"
    /// The default budget of a PLC directory (shared by every DID it serves, so higher).
    public static let plcLimit = HostRateLimiter.Limit(perSecond: 50, burst: 100)
}
