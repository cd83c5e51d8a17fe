public import ATIdentity
import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The one HTTP client that identity look-ups (PLC directory, did:web) share, with the network
/// safety rules of SPEC.md §11 applied to every request:
///
/// - only ``IdentityURL``s (https, or http to loopback when allowed); redirects are followed by hand,
///   at most ``IdentityHTTPConfiguration/maxRedirects``, each target checked like the first;
/// - the address actually connected to is checked against the ``AddressPolicy`` on every new
///   connection (after DNS resolution, so DNS rebinding and redirects to private hosts are caught);
///   a refused connection is closed before any request is written on it;
/// - a per-host ``HostRateLimiter``;
/// - a connect timeout and a total time limit covering rate-limit wait, redirects and body;
/// - at most ``IdentityHTTPConfiguration/maxResponseBytes`` of body, refused from `Content-Length`
///   when announced, otherwise as soon as the streamed body passes the limit (never buffered whole);
/// - no decompression, a `User-Agent` on every request.
///
/// Call ``shutdown()`` once no longer needed.
public final class IdentityHTTPClient: Sendable {
    /// A complete response.
    public struct Response: Sendable {
        /// The HTTP status code.
        public let status: Int
        /// The body (at most the configured limit).
        public let body: [UInt8]
        /// The URL that answered (after redirects).
        public let url: String
    }

    /// The limits in force.
    public let configuration: IdentityHTTPConfiguration
    /// The per-host budgets.
    public let limiter: HostRateLimiter
    private let client: HTTPClient
    private let logger: Logger

    /// A client; `logger` receives debug-level notes on refused or failed look-ups.
    public init(configuration: IdentityHTTPConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.limiter = HostRateLimiter(defaultLimit: configuration.perHostLimit, overrides: configuration.hostLimits,
                                       maxWait: configuration.totalTimeout)
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        http.timeout = .init(connect: TimeAmount(configuration.connectTimeout),
                             read: TimeAmount(configuration.totalTimeout))
        http.connectionPool.retryConnectionEstablishment = false
        http.decompression = .disabled
        configuration.addressPolicy.installPeerCheck(on: &http) { ATIdentityError(.forbiddenAddress, $0) }
        self.client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: http,
                                 backgroundActivityLogger: logger)
    }

    /// Closes the client's connections. Call once, when done.
    public func shutdown() async {
        do { try await client.shutdown() } catch {
            logger.debug("identity HTTP client shutdown failed", metadata: ["error": "\(error)"])
        }
    }

    /// `GET url` under the rules above. Any status is returned; failures to get one throw
    /// (`forbidden-address`, `bad-redirect`, `timeout`, `response-too-large`, `rate-limited`,
    /// `resolution-failed`).
    public func get(_ url: String, accept: String = "application/did+ld+json, application/json") async throws(ATIdentityError) -> Response {
        let limit = configuration.totalTimeout
        let outcome: Result<Response, ATIdentityError> = await withTaskGroup(of: Result<Response, ATIdentityError>?.self) { group in
            group.addTask {
                do throws(ATIdentityError) {
                    return .success(try await self.follow(url, accept: accept))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                // Returns nil when cancelled because the request finished first.
                guard (try? await Task.sleep(for: limit)) != nil else { return nil }
                return .failure(ATIdentityError(.timeout, "\(url): no complete response within \(limit)"))
            }
            var first: Result<Response, ATIdentityError>?
            for await result in group {
                if let result { first = result; break }
            }
            group.cancelAll()
            return first ?? .failure(ATIdentityError(.timeout, "\(url): cancelled"))
        }
        switch outcome {
        case .success(let response):
            return response
        case .failure(let error):
            logger.debug("identity look-up failed", metadata: ["identity.url": "\(url)", "identity.error": "\(error)"])
            throw error
        }
    }

    /// Requests `url`, following redirects by hand.
    private func follow(_ url: String, accept: String) async throws(ATIdentityError) -> Response {
        var current = try IdentityURL(url, configuration: configuration)
        var redirects = 0
        while true {
            let answer = try await fetch(current, accept: accept)
            switch answer {
            case .response(let response):
                return response
            case .redirect(let location):
                redirects += 1
                guard redirects <= configuration.maxRedirects else {
                    throw ATIdentityError(.badRedirect, "\(url): more than \(configuration.maxRedirects) redirects")
                }
                guard let target = URL(string: location, relativeTo: URL(string: current.description))?.absoluteString else {
                    throw ATIdentityError(.badRedirect, "\(current): unusable Location \"\(location)\"")
                }
                do throws(ATIdentityError) {
                    current = try IdentityURL(target, configuration: configuration)
                } catch {
                    throw ATIdentityError(.badRedirect, "\(current) redirected to a refused URL: \(error.reason)")
                }
            }
        }
    }

    private enum Answer {
        case response(Response)
        case redirect(String)
    }

    /// One request: rate limit, send, read a bounded body.
    private func fetch(_ url: IdentityURL, accept: String) async throws(ATIdentityError) -> Answer {
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
                    throw ATIdentityError(.badRedirect, "\(url): \(status) without Location")
                }
                return .redirect(location)
            }
            let maxBytes = configuration.maxResponseBytes
            if let length = response.headers.first(name: "Content-Length").flatMap({ Int($0) }), length > maxBytes {
                throw ATIdentityError(.responseTooLarge, "\(url): Content-Length \(length) exceeds \(maxBytes) bytes")
            }
            var body: [UInt8] = []
            for try await chunk in response.body {
                guard body.count + chunk.readableBytes <= maxBytes else {
                    throw ATIdentityError(.responseTooLarge, "\(url): body exceeds \(maxBytes) bytes")
                }
                body.append(contentsOf: chunk.readableBytesView)
            }
            return .response(Response(status: status, body: body, url: url.description))
        } catch let error as ATIdentityError {
            throw error
        } catch let error as HTTPClientError {
            switch error {
            case .connectTimeout, .readTimeout, .deadlineExceeded:
                throw ATIdentityError(.timeout, "\(url): \(error)")
            case .cancelled:
                throw ATIdentityError(.timeout, "\(url): cancelled")
            default:
                throw ATIdentityError(.resolutionFailed, "\(url): \(error)")
            }
        } catch is CancellationError {
            throw ATIdentityError(.timeout, "\(url): cancelled")
        } catch {
            throw ATIdentityError(.resolutionFailed, "\(url): \(error)")
        }
    }
}
