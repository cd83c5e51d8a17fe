/// Limits of `getRepo` downloads (Docs/SPEC.md §7.5 step 2, §13): per-host budgets, an overall time limit, a
/// minimum transfer rate and a size cap. Defaults suit the live network; tests shorten them.
public struct RepoFetchConfiguration: Hashable, Sendable {
    /// Sent as `User-Agent`.
    public var userAgent: String
    /// The longest a connection may take to establish.
    public var connectTimeout: Duration
    /// The longest one fetch may take in all (rate-limit wait, redirects, body).
    public var totalTimeout: Duration
    /// The longest the connection may stay silent.
    public var idleTimeout: Duration
    /// The slowest acceptable body transfer, in bytes per second, averaged since the body started; checked once
    /// ``rateGracePeriod`` has passed.
    public var minimumBytesPerSecond: Int
    /// How long a body may take before the transfer rate is checked.
    public var rateGracePeriod: Duration
    /// The largest repository accepted (refused from `Content-Length`, else as soon as the body passes it).
    public var maxBytes: Int
    /// How many redirects are followed (the relay answers 302 to the PDS); each target is checked like the
    /// first URL.
    public var maxRedirects: Int
    /// Whether `http://` to loopback hosts and loopback addresses are allowed (tests, `serve`), the same switch
    /// as the PLC directory's.
    public var allowHTTPLoopback: Bool
    /// The request budget of each host.
    public var perHostLimit: HostRateLimiter.Limit
    /// How long a host is left alone after a 429/503 without `Retry-After`.
    public var defaultRetryAfter: Duration
    /// The longest `Retry-After` honoured.
    public var maxRetryAfter: Duration

    /// A configuration.
    public init(userAgent: String = GuardedHTTPConfiguration.defaultUserAgent, connectTimeout: Duration = .seconds(10),
                totalTimeout: Duration = .seconds(120), idleTimeout: Duration = .seconds(30),
                minimumBytesPerSecond: Int = 16 * 1024, rateGracePeriod: Duration = .seconds(10),
                maxBytes: Int = 256 << 20, maxRedirects: Int = 3, allowHTTPLoopback: Bool = false,
                perHostLimit: HostRateLimiter.Limit = HostRateLimiter.Limit(perSecond: 2, burst: 5),
                defaultRetryAfter: Duration = .seconds(10), maxRetryAfter: Duration = .seconds(300)) {
        self.userAgent = userAgent
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.idleTimeout = idleTimeout
        self.minimumBytesPerSecond = minimumBytesPerSecond
        self.rateGracePeriod = rateGracePeriod
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.allowHTTPLoopback = allowHTTPLoopback
        self.perHostLimit = perHostLimit
        self.defaultRetryAfter = defaultRetryAfter
        self.maxRetryAfter = maxRetryAfter
    }

    /// The settings of the ``GuardedHTTPClient`` that downloads repositories: the same URL rules and address policy
    /// as identity look-ups, with this configuration's timeouts, transfer rate, size cap and budgets.
    public var clientConfiguration: GuardedHTTPConfiguration {
        var client = GuardedHTTPConfiguration(userAgent: userAgent, connectTimeout: connectTimeout, totalTimeout: totalTimeout,
                                              maxResponseBytes: maxBytes, maxRedirects: maxRedirects, allowHTTPLoopback: allowHTTPLoopback,
                                              perHostLimit: perHostLimit)
        client.idleTimeout = idleTimeout
        client.minimumBytesPerSecond = minimumBytesPerSecond
        client.rateGracePeriod = rateGracePeriod
        return client
    }
}
