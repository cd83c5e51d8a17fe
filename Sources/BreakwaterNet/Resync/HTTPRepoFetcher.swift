public import ATIdentity
import Foundation
public import FirehoseSync
public import Logging
import Synchronization

/// ``RepoFetcher`` over HTTP (Docs/SPEC.md §7.5 step 2, §13): `com.atproto.sync.getRepo?did=` from the relay first
/// (following its redirect to the PDS, a bounded number of hops), else from the PDS named in the account's DID
/// document (``IdentityDirectory/pdsEndpoint(for:)``).
///
/// Every request goes through the ``GuardedHTTPClient`` that identity look-ups and blob downloads use: https only
/// (http to loopback only with ``RepoFetchConfiguration/allowHTTPLoopback``), the ``AddressPolicy`` checked on
/// every connection, redirects checked hop by hop, a per-host ``HostRateLimiter``, an overall time limit, an idle
/// limit, a minimum transfer rate and a size cap (never buffered past the cap). A host that answered 429/503 is
/// left alone for its `Retry-After`. Failures are ``NetError``s: `repo-not-found`, `repo-unavailable`,
/// `fetch-failed`, `fetch-timeout`, `fetch-too-slow`, `response-too-large`, `forbidden-address`, `rate-limited`,
/// `bad-redirect`, `invalid-url`, `no-repo-source`.
///
/// Call ``shutdown()`` once no longer needed.
public final class HTTPRepoFetcher: RepoFetcher {
    /// The relay's base URL (`https://host[:port]`), tried first; nil to go straight to the PDS.
    public let relay: String?
    /// Where the account's PDS is found; nil for relay only.
    public let pds: (any IdentityDirectory)?
    /// The limits in force.
    public let configuration: RepoFetchConfiguration
    let client: GuardedHTTPClient
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
        self.client = GuardedHTTPClient(configuration: configuration.clientConfiguration, logger: logger)
    }

    /// Closes the client's connections. Call once, when done.
    public func shutdown() async {
        await client.shutdown()
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

    /// `GET url` (redirects followed) unless its host asked to be left alone; anything but a 200 with a CAR is
    /// refused.
    func get(_ url: String) async throws(NetError) -> [UInt8] {
        if let host = GuardedURL.rateLimitKey(of: url, configuration: client.configuration),
           let until = penalties.withLock({ $0[host] }), until > .now {
            throw NetError(.rateLimited, "\(host) asked to be left alone for another \(until - .now)")
        }
        let response = try await client.get(url, accept: "application/vnd.ipld.car")
        guard response.status == 200 else { throw refusal(response) }
        if let type = response.header("Content-Type")?.lowercased(), type.contains("html") {
            throw NetError(.fetchFailed, "\(response.url): answered \(type), not a CAR")
        }
        return response.body
    }

    /// The error for a non-200 answer (XRPC error names of Docs/SPEC.md §13), recording a 429/503 host penalty.
    private func refusal(_ response: GuardedHTTPClient.Response) -> NetError {
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        let name = json?["error"] as? String
        let message = json?["message"] as? String
        let status = response.status
        let detail = "\(response.url): HTTP \(status)" + (name.map { " \($0)" } ?? "") + (message.map { ": \($0)" } ?? "")
        if status == 429 || status == 503 {
            let wait = min(RetryAfter.parse(response.header("Retry-After")) ?? configuration.defaultRetryAfter, configuration.maxRetryAfter)
            let until = ContinuousClock.now + wait
            penalties.withLock { table in
                table[response.host] = until
                if table.count > 10_000 { table = table.filter { $0.value > .now } }
            }
            return NetError(.rateLimited, detail + " (retry after \(wait))")
        }
        if status == 404 || name == "RepoNotFound" { return NetError(.repoNotFound, detail) }
        if (400..<500).contains(status) { return NetError(.repoUnavailable, detail) }
        return NetError(.fetchFailed, detail)
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
}
