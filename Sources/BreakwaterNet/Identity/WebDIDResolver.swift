public import ATIdentity
public import ATSyntax

/// Resolves `did:web` DIDs: `GET https://{host}/.well-known/did.json` (Docs/SPEC.md §11).
///
/// Only hostname-level DIDs (no paths), with the handle TLD restrictions (``DID/webHost``).
/// `localhost` (with a `%3A`-encoded port) is resolved, over plain http, only when the client allows
/// http to loopback; otherwise it is `forbidden-address`. `404`/`410` → `not-found` (did:web has no
/// tombstones); other non-`200` statuses → `http-status`.
///
/// Spec: https://atproto.com/specs/did#blessed-did-methods
public struct WebDIDResolver: IdentityResolver {
    private let http: GuardedHTTPClient
    private let now: @Sendable () -> Int64

    /// A resolver; `now` (µs since the epoch) stamps the results.
    public init(http: GuardedHTTPClient, now: @escaping @Sendable () -> Int64) {
        self.http = http
        self.now = now
    }

    /// The document URL of `did`, or why there is none.
    public func documentURL(_ did: DID) throws(ATIdentityError) -> String {
        guard did.isWeb else { throw ATIdentityError(.unsupportedMethod, "\(did) is not a did:web") }
        guard let host = did.webHost else {
            throw ATIdentityError(.unsupportedMethod, "\(did): only hostname-level did:web DIDs with an allowed TLD are supported")
        }
        if host == "localhost" || host.hasPrefix("localhost:") {
            guard http.configuration.allowHTTPLoopback else {
                throw ATIdentityError(.forbiddenAddress, "\(did): did:web on localhost is only resolved when http to loopback is allowed")
            }
            return "http://\(host)/.well-known/did.json"
        }
        return "https://\(host)/.well-known/did.json"
    }

    public func resolve(_ did: DID) async throws(ATIdentityError) -> ResolvedIdentity {
        let url = try documentURL(did)
        let response: GuardedHTTPClient.Response
        do { response = try await http.get(url) } catch { throw ATIdentityError(error) }
        switch response.status {
        case 200:
            return try DocumentResponse.identity(did, body: response.body, fetchedAt: now())
        case 404, 410:
            throw ATIdentityError(.notFound, "\(url) answered \(response.status)")
        default:
            throw ATIdentityError(.httpStatus, "\(url) answered \(response.status)")
        }
    }
}
