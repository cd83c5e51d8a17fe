public import FirehoseSync
public import ATIdentity
import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// ``RepoFetcher`` over HTTP (SPEC.md §7.5 step 2, §13): `com.atproto.sync.getRepo?did=` from the relay first
/// (following its redirect to the PDS, a bounded number of hops), else from the PDS named in the account's DID
/// document (``IdentityDirectory/pdsEndpoint(for:)``).
///
/// Every request follows the network rules of identity look-ups: https only (http to loopback only with
/// ``RepoFetchConfiguration/allowHTTPLoopback``), the ``AddressPolicy`` checked on every connection, redirects
/// checked hop by hop, a per-host ``HostRateLimiter``, and a host that answered 429/503 left alone for its
/// `Retry-After`. A download has an overall time limit, an idle limit, a minimum transfer rate and a size cap,
/// and is never buffered past the cap. Failures are ``NetError``s: `repo-not-found`, `repo-unavailable`,
/// `fetch-failed`, `fetch-timeout`, `fetch-too-slow`, `response-too-large`, `forbidden-address`,
/// `rate-limited`, `bad-redirect`, `no-repo-source`.
///
/// Call ``shutdown()`` once no longer needed.
public final class HTTPRepoFetcher: RepoFetcher {
    /// The relay's base URL (`https://host[:port]`), tried first; nil to go straight to the PDS.
    public let relay: String?
    /// Where the account's PDS is found; nil for relay only.
    public let pds: (any IdentityDirectory)?
    /// The limits in force.
    public let configuration: RepoFetchConfiguration
    let limiter: HostRateLimiter
    let client: HTTPClient
    let logger: Logger
    /// Hosts that asked to be left alone (429/503), until when.
    private let penalties = Mutex<[String: ContinuousClock.Instant]>([:])

    /// A fetcher. `relay` may be given as `ws(s)://` (the subscription URL) or `http(s)://`; only its scheme,
    /// host and port are used.
    public init(relay: String?, pds: (any IdentityDirectory)?, configuration: RepoFetchConfiguration, logger: Logger) {
        self.relay = relay.flatMap(HTTPRepoFetcher.baseURL(of:))
        self.pds = pds
        self.configuration = configuration
        self.logger = logger
        self.limiter = HostRateLimiter(defaultLimit: configuration.perHostLimit, maxWait: configuration.totalTimeout)
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        http.timeout = .init(connect: TimeAmount(configuration.connectTimeout),
                             read: TimeAmount(configuration.idleTimeout))
        http.connectionPool.retryConnectionEstablishment = false
        http.decompression = .disabled
        AddressPolicy(allowLoopback: configuration.allowHTTPLoopback).installPeerCheck(on: &http) { NetError(.forbiddenAddress, $0) }
        self.client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: http,
                                 backgroundActivityLogger: logger)
    }

    /// Closes the client's connections. Call once, when done.
    public func shutdown() async {
        do { try await client.shutdown() } catch {
            logger.debug("getRepo HTTP client shutdown failed", metadata: ["error": "\(error)"])
        }
    }

    /// The repository CAR of `did`: from the relay, else from its PDS. When both fail, the PDS's error is thrown
    /// (it is the authority), with the relay's in the message.
    public func fetchRepository(did: String) async throws -> [UInt8] {
        let query = "/xrpc/com.atproto.sync.getRepo?did=" + (did.addingPercentEncoding(withAllowedCharacters: HTTPRepoFetcher.queryAllowed) ?? did)
        var relayError: NetError? = nil
        if let relay {
            do { return try await get(relay + query) } catch { relayError = error }
        }
        guard let pds, let endpoint = await pds.pdsEndpoint(for: did), let base = HTTPRepoFetcher.baseURL(of: endpoint),
              base != relay else {
            throw relayError ?? NetError(.noRepoSource, "no relay and no PDS known for \(did)")
        }
        do {
            return try await get(base + query)
        } catch {
            guard let relayError else { throw error }
            throw NetError(error.code, "\(error.reason) (relay: \(relayError))")
        }
    }

    // MARK: - One URL, with redirects

    /// `GET url` under the overall time limit and the minimum transfer rate.
    func get(_ url: String) async throws(NetError) -> [UInt8] {
        let progress = Progress()
        let limit = configuration.totalTimeout
        let minimumRate = configuration.minimumBytesPerSecond
        let grace = configuration.rateGracePeriod
        let outcome: Result<[UInt8], NetError> = await withTaskGroup(of: Result<[UInt8], NetError>?.self) { group in
            group.addTask {
                do throws(NetError) {
                    return .success(try await self.follow(url, progress: progress))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                // The watchdog: the overall limit, and the transfer rate once the body has run for the grace period.
                let started = ContinuousClock.now
                while true {
                    guard (try? await Task.sleep(for: .milliseconds(100))) != nil else { return nil }
                    if ContinuousClock.now - started >= limit {
                        return .failure(NetError(.fetchTimeout, "\(url): no complete repository within \(limit)"))
                    }
                    if let snapshot = progress.snapshot() {
                        let (bodyStarted, bytes) = snapshot
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
            var first: Result<[UInt8], NetError>?
            for await result in group {
                if let result { first = result; break }
            }
            group.cancelAll()
            return first ?? .failure(NetError(.fetchTimeout, "\(url): cancelled"))
        }
        switch outcome {
        case .success(let bytes): return bytes
        case .failure(let error):
            logger.debug("getRepo failed", metadata: ["resync.url": "\(url)", "resync.error": "\(error)"])
            throw error
        }
    }

    private func follow(_ url: String, progress: Progress) async throws(NetError) -> [UInt8] {
        let rules = configuration.urlRules
        var current = try HTTPRepoFetcher.checkedURL(url, rules: rules, code: .forbiddenAddress)
        var redirects = 0
        while true {
            switch try await fetch(current, progress: progress) {
            case .body(let bytes):
                return bytes
            case .redirect(let location):
                redirects += 1
                guard redirects <= configuration.maxRedirects else {
                    throw NetError(.badRedirect, "\(url): more than \(configuration.maxRedirects) redirects")
                }
                guard let target = URL(string: location, relativeTo: URL(string: current.description))?.absoluteString else {
                    throw NetError(.badRedirect, "\(current): unusable Location \"\(location)\"")
                }
                current = try HTTPRepoFetcher.checkedURL(target, rules: rules, code: .badRedirect)
            }
        }
    }

    static func checkedURL(_ text: String, rules: IdentityHTTPConfiguration, code: NetError.Code) throws(NetError) -> IdentityURL {
        do {
            return try IdentityURL(text, configuration: rules)
        } catch {
            throw NetError(code, "\(text): \(error.reason)")
        }
    }

    private enum Answer {
        case body([UInt8])
        case redirect(String)
    }

    /// One request: host penalty, rate limit, send, read a bounded body.
    private func fetch(_ url: IdentityURL, progress: Progress) async throws(NetError) -> Answer {
        let host = url.rateLimitKey
        if let until = penalties.withLock({ $0[host] }), until > .now {
            throw NetError(.rateLimited, "\(host) asked to be left alone for another \(until - .now)")
        }
        do {
            try await limiter.acquire(host: host)
        } catch {
            throw NetError(error.code == .rateLimited ? .rateLimited : .fetchTimeout, error.reason)
        }
        var request = HTTPClientRequest(url: url.description)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: "application/vnd.ipld.car")
        do {
            let response = try await client.execute(request, deadline: .now() + TimeAmount(configuration.totalTimeout),
                                                    logger: logger)
            let status = Int(response.status.code)
            if (300..<400).contains(status), status != 304 {
                guard let location = response.headers.first(name: "Location") else {
                    throw NetError(.badRedirect, "\(url): \(status) without Location")
                }
                return .redirect(location)
            }
            guard status == 200 else {
                let body = try await HTTPRepoFetcher.smallBody(response.body)
                throw refusal(status: status, headers: response.headers, body: body, url: url)
            }
            if let type = response.headers.first(name: "Content-Type")?.lowercased(), type.contains("html") {
                throw NetError(.fetchFailed, "\(url): answered \(type), not a CAR")
            }
            let maxBytes = configuration.maxBytes
            if let length = response.headers.first(name: "Content-Length").flatMap({ Int($0) }), length > maxBytes {
                throw NetError(.responseTooLarge, "\(url): Content-Length \(length) exceeds the cap of \(maxBytes) bytes")
            }
            var body: [UInt8] = []
            progress.start()
            for try await chunk in response.body {
                guard body.count + chunk.readableBytes <= maxBytes else {
                    throw NetError(.responseTooLarge, "\(url): body exceeds the cap of \(maxBytes) bytes")
                }
                body.append(contentsOf: chunk.readableBytesView)
                progress.add(chunk.readableBytes)
            }
            return .body(body)
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

    /// The error for a non-200 answer (XRPC error names of SPEC.md §13), recording a 429/503 host penalty.
    private func refusal(status: Int, headers: HTTPHeaders, body: [UInt8], url: IdentityURL) -> NetError {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let name = json?["error"] as? String
        let message = json?["message"] as? String
        let detail = "\(url): HTTP \(status)" + (name.map { " \($0)" } ?? "") + (message.map { ": \($0)" } ?? "")
        if status == 429 || status == 503 {
            let wait = min(RetryAfter.parse(headers.first(name: "Retry-After")) ?? configuration.defaultRetryAfter, configuration.maxRetryAfter)
            let until = ContinuousClock.now + wait
            penalties.withLock { table in
                table[url.rateLimitKey] = until
                if table.count > 10_000 { table = table.filter { $0.value > .now } }
            }
            return NetError(.rateLimited, detail + " (retry after \(wait))")
        }
        if status == 404 || name == "RepoNotFound" { return NetError(.repoNotFound, detail) }
        if (400..<500).contains(status) { return NetError(.repoUnavailable, detail) }
        return NetError(.fetchFailed, detail)
    }

    /// Up to 4 KB of an error body.
    static func smallBody(_ body: HTTPClientResponse.Body) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body where bytes.count < 4096 {
            bytes.append(contentsOf: chunk.readableBytesView.prefix(4096 - bytes.count))
        }
        return bytes
    }

    /// `scheme://host[:port]` of a relay or PDS URL, with `ws`→`http` and `wss`→`https`.
    static func baseURL(of text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else { return nil }
        let http: String
        switch scheme {
        case "ws", "http": http = "http"
        case "wss", "https": http = "https"
        default: return nil
        }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(http)://\(hostPart)" + (components.port.map { ":\($0)" } ?? "")
    }

    static let queryAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~:")
        return set
    }()

    /// Body progress shared with the watchdog.
    final class Progress: Sendable {
        private let state = Mutex<(started: ContinuousClock.Instant?, bytes: Int)>((nil, 0))
        func start() { state.withLock { $0 = (.now, 0) } }
        func add(_ count: Int) { state.withLock { $0.bytes += count } }
        func snapshot() -> (ContinuousClock.Instant, Int)? {
            state.withLock { s in s.started.map { ($0, s.bytes) } }
        }
    }
}
