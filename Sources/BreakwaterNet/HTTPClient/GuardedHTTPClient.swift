import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The one HTTP client for requests to hosts the network names (PLC directory, did:web hosts, a PDS's `getBlob`,
/// the relay's and PDS's `getRepo`), with the network safety rules of Docs/SPEC.md §11 applied to every request:
///
/// - only ``GuardedURL``s (https, or http to loopback when allowed); redirects are followed by hand,
///   at most ``GuardedHTTPConfiguration/maxRedirects``, each target checked like the first;
/// - the address actually connected to is checked against the ``AddressPolicy`` on every new
///   connection (after DNS resolution, so DNS rebinding and redirects to private hosts are caught);
///   a refused connection is closed before any request is written on it;
/// - a per-host ``HostRateLimiter``;
/// - a connect timeout, an idle timeout, a total time limit covering rate-limit wait, redirects and body, and
///   optionally a minimum transfer rate;
/// - at most ``GuardedHTTPConfiguration/maxResponseBytes`` of a successful body, refused from `Content-Length`
///   when announced, otherwise as soon as the streamed body passes the limit (never buffered whole); at most
///   4 KB of any other answer's body;
/// - no decompression, a `User-Agent` on every request.
///
/// Failures are ``NetError``s: `invalid-url`, `forbidden-address`, `bad-redirect`, `fetch-timeout`,
/// `fetch-too-slow`, `response-too-large`, `rate-limited`, `fetch-failed`. Call ``shutdown()`` once no longer
/// needed.
public final class GuardedHTTPClient: Sendable {
    /// A complete response.
    public struct Response: Sendable {
        /// The HTTP status code.
        public let status: Int
        /// The body (at most the configured limit; at most 4 KB unless the status is 2xx).
        public let body: [UInt8]
        /// The URL that answered (after redirects).
        public let url: String
        /// The rate-limit key (`host` or `host:port`) of the URL that answered.
        public let host: String
        /// The response headers.
        public let headers: [(name: String, value: String)]

        /// The first value of header `name` (case-insensitive), if present.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// The most read of a body whose status is not 2xx (enough for an error name and message).
    public static let errorBodyLimit = 4096

    /// The limits in force.
    public let configuration: GuardedHTTPConfiguration
    /// The per-host budgets.
    public let limiter: HostRateLimiter
    private let client: HTTPClient
    private let logger: Logger

    /// A client; `logger` receives debug-level notes on refused or failed requests.
    public init(configuration: GuardedHTTPConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.limiter = HostRateLimiter(defaultLimit: configuration.perHostLimit, overrides: configuration.hostLimits,
                                       maxWait: configuration.totalTimeout)
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        http.timeout = .init(connect: TimeAmount(configuration.connectTimeout),
                             read: TimeAmount(configuration.idleTimeout ?? configuration.totalTimeout))
        http.connectionPool.retryConnectionEstablishment = false
        http.decompression = .disabled
        if configuration.restrictsAddresses {
            configuration.addressPolicy.installPeerCheck(on: &http) { NetError(.forbiddenAddress, $0) }
        }
        self.client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: http,
                                 backgroundActivityLogger: logger)
    }

    /// Closes the client's connections. Call once, when done.
    public func shutdown() async {
        do { try await client.shutdown() } catch {
            logger.debug("guarded HTTP client shutdown failed", metadata: ["error": "\(error)"])
        }
    }

    /// `GET url` under the rules above, with `accept` as the `Accept` header. Any status is returned; failures to
    /// get one throw.
    public func get(_ url: String, accept: String = "application/did+ld+json, application/json") async throws(NetError) -> Response {
        let progress = BodyProgress()
        let limit = configuration.totalTimeout
        let minimumRate = configuration.minimumBytesPerSecond
        let grace = configuration.rateGracePeriod
        let outcome: Result<Response, NetError> = await withTaskGroup(of: Result<Response, NetError>?.self) { group in
            group.addTask {
                do throws(NetError) {
                    return .success(try await self.follow(url, accept: accept, progress: progress))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                // The watchdog: the overall limit, and the transfer rate once the body has run for the grace period.
                // Returns nil when cancelled because the request finished first.
                let started = ContinuousClock.now
                while true {
                    guard (try? await Task.sleep(for: min(limit, .milliseconds(100)))) != nil else { return nil }
                    if ContinuousClock.now - started >= limit {
                        return .failure(NetError(.fetchTimeout, "\(url): no complete response within \(limit)"))
                    }
                    if let minimumRate, let (bodyStarted, bytes) = progress.snapshot() {
                        let elapsed = ContinuousClock.now - bodyStarted
                        if elapsed >= grace {
                            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                            let rate = Double(bytes) / seconds
                            if rate < Double(minimumRate) {
                                return .failure(NetError(.fetchTooSlow, "\(url): \(Int(rate)) bytes/s after \(bytes) bytes, below the minimum of \(minimumRate)"))
                            }
                        }
                    }
                }
            }
            var first: Result<Response, NetError>?
            for await result in group {
                if let result { first = result; break }
            }
            group.cancelAll()
            return first ?? .failure(NetError(.fetchTimeout, "\(url): cancelled"))
        }
        switch outcome {
        case .success(let response):
            return response
        case .failure(let error):
            logger.debug("guarded HTTP request failed", metadata: ["http.url": "\(url)", "http.error": "\(error)"])
            throw error
        }
    }

    /// `POST body` to `url` as `contentType`, within `timeout`: the URL and address rules and the host's budget
    /// apply; no redirect is followed (a 3xx is returned like any status); at most 4 KB of the answer's body is
    /// read. A failure to get an answer throws, its reason one plain sentence (``NetworkFailureText``).
    public func post(_ url: String, body: [UInt8], contentType: String, timeout: Duration) async throws(NetError) -> Response {
        let target = try GuardedURL(url, configuration: configuration)
        try await limiter.acquire(host: target.rateLimitKey)
        var request = HTTPClientRequest(url: target.description)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout), logger: logger)
            var answer: [UInt8] = []
            for try await chunk in response.body where answer.count < Self.errorBodyLimit {
                answer.append(contentsOf: chunk.readableBytesView.prefix(Self.errorBodyLimit - answer.count))
            }
            return Response(status: Int(response.status.code), body: answer, url: target.description, host: target.rateLimitKey,
                            headers: response.headers.map { (name: $0.name, value: $0.value) })
        } catch let error as HTTPClientError where [.connectTimeout, .readTimeout, .deadlineExceeded].contains(error) {
            throw NetError(.fetchTimeout, NetworkFailureText.describe(error))
        } catch {
            throw NetError(.fetchFailed, NetworkFailureText.describe(error))
        }
    }

    /// Requests `url`, following redirects by hand.
    private func follow(_ url: String, accept: String, progress: BodyProgress) async throws(NetError) -> Response {
        var current = try GuardedURL(url, configuration: configuration)
        var redirects = 0
        while true {
            let answer = try await fetch(current, accept: accept, progress: progress)
            switch answer {
            case .response(let response):
                return response
            case .redirect(let location):
                redirects += 1
                guard redirects <= configuration.maxRedirects else {
                    throw NetError(.badRedirect, "\(url): more than \(configuration.maxRedirects) redirects")
                }
                guard let target = URL(string: location, relativeTo: URL(string: current.description))?.absoluteString else {
                    throw NetError(.badRedirect, "\(current): unusable Location \"\(location)\"")
                }
                do throws(NetError) {
                    current = try GuardedURL(target, configuration: configuration)
                } catch {
                    throw NetError(.badRedirect, "\(current) redirected to a refused URL: \(error.reason)")
                }
            }
        }
    }

    private enum Answer {
        case response(Response)
        case redirect(String)
    }

    /// One request: rate limit, send, read a bounded body.
    private func fetch(_ url: GuardedURL, accept: String, progress: BodyProgress) async throws(NetError) -> Answer {
        try await limiter.acquire(host: url.rateLimitKey)
        var request = HTTPClientRequest(url: url.description)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: accept)
        do {
            let response = try await client.execute(request, deadline: .now() + TimeAmount(configuration.totalTimeout), logger: logger)
            let status = Int(response.status.code)
            if (300..<400).contains(status), status != 304 {
                guard let location = response.headers.first(name: "Location") else {
                    throw NetError(.badRedirect, "\(url): \(status) without Location")
                }
                return .redirect(location)
            }
            let headers = response.headers.map { (name: $0.name, value: $0.value) }
            guard (200..<300).contains(status) else {
                var body: [UInt8] = []
                for try await chunk in response.body where body.count < Self.errorBodyLimit {
                    body.append(contentsOf: chunk.readableBytesView.prefix(Self.errorBodyLimit - body.count))
                }
                return .response(Response(status: status, body: body, url: url.description, host: url.rateLimitKey, headers: headers))
            }
            let maxBytes = configuration.maxResponseBytes
            if let length = response.headers.first(name: "Content-Length").flatMap({ Int($0) }), length > maxBytes {
                throw NetError(.responseTooLarge, "\(url): Content-Length \(length) exceeds \(maxBytes) bytes")
            }
            var body: [UInt8] = []
            progress.start()
            for try await chunk in response.body {
                guard body.count + chunk.readableBytes <= maxBytes else {
                    throw NetError(.responseTooLarge, "\(url): body exceeds \(maxBytes) bytes")
                }
                body.append(contentsOf: chunk.readableBytesView)
                progress.add(chunk.readableBytes)
            }
            return .response(Response(status: status, body: body, url: url.description, host: url.rateLimitKey, headers: headers))
        } catch let error as NetError {
            throw error
        } catch let error as HTTPClientError {
            switch error {
            case .connectTimeout, .readTimeout, .deadlineExceeded:
                throw NetError(.fetchTimeout, "\(url): \(error)")
            case .cancelled:
                throw NetError(.fetchTimeout, "\(url): cancelled")
            default:
                throw NetError(.fetchFailed, "\(url): \(error)")
            }
        } catch is CancellationError {
            throw NetError(.fetchTimeout, "\(url): cancelled")
        } catch {
            throw NetError(.fetchFailed, "\(url): \(error)")
        }
    }

    /// Body progress shared with the watchdog.
    final class BodyProgress: Sendable {
        private let state = Mutex<(started: ContinuousClock.Instant?, bytes: Int)>((nil, 0))
        func start() { state.withLock { $0 = (.now, 0) } }
        func add(_ count: Int) { state.withLock { $0.bytes += count } }
        func snapshot() -> (ContinuousClock.Instant, Int)? {
            state.withLock { s in s.started.map { ($0, s.bytes) } }
        }
    }
}
