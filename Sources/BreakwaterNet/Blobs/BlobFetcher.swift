import Foundation
public import FirehoseSync
public import IPLD
public import Logging

/// Fetches blobs with `com.atproto.sync.getBlob?did=&cid=` (https://docs.bsky.app/docs/api/com-atproto-sync-get-blob)
/// over the guarded client of identity look-ups (``GuardedHTTPClient``: https only, loopback only when
/// allowed, address checks after DNS on every connection, per-host rate limit, bounded redirects), with a
/// size cap and a time limit per blob. Every blob is checked against its CID before it is returned or stored.
///
/// A blob is held in memory while it is checked, so memory is bounded by ``Configuration/maxBlobBytes``.
/// Call ``shutdown()`` when done.
public final class BlobFetcher: BlobSource {
    /// Limits of blob fetches.
    public struct Configuration: Hashable, Sendable {
        /// The largest blob accepted, in bytes (default 100 MiB); a larger one is refused, by its declared
        /// size, its `Content-Length` or as soon as the body passes the limit.
        public var maxBlobBytes: Int
        /// The longest one blob may take in all (default 60 s).
        public var timeout: Duration
        /// Whether `http://` and loopback addresses are allowed: only when the PDS itself is on loopback
        /// (`serve`, tests), as for the PLC directory of `consume`.
        public var allowHTTPLoopback: Bool

        /// A configuration.
        public init(maxBlobBytes: Int = 100 << 20, timeout: Duration = .seconds(60), allowHTTPLoopback: Bool = false) {
            self.maxBlobBytes = maxBlobBytes
            self.timeout = timeout
            self.allowHTTPLoopback = allowHTTPLoopback
        }

        /// True when `pds` names this machine (`localhost`, `127.0.0.0/8`, `::1`): the one case where
        /// ``allowHTTPLoopback`` should be set.
        public static func isLoopback(_ pds: String) -> Bool {
            guard let host = URLComponents(string: pds)?.host?.lowercased() else { return false }
            return ["localhost", "::1", "[::1]"].contains(host) || host.hasPrefix("127.")
        }
    }

    /// The limits in force.
    public let configuration: Configuration
    let http: GuardedHTTPClient

    /// A fetcher with its own HTTP client.
    public init(configuration: Configuration = Configuration(), logger: Logger) {
        self.configuration = configuration
        let http = GuardedHTTPConfiguration(connectTimeout: min(.seconds(5), configuration.timeout),
                                             totalTimeout: configuration.timeout,
                                             maxResponseBytes: configuration.maxBlobBytes,
                                             allowHTTPLoopback: configuration.allowHTTPLoopback)
        self.http = GuardedHTTPClient(configuration: http, logger: logger)
    }

    /// The largest blob accepted (``Configuration/maxBlobBytes``).
    public var maxBlobBytes: Int { configuration.maxBlobBytes }

    /// ``fetch(did:cid:pds:)``, for the ``BlobSource`` port.
    public func fetchBlob(did: String, cid: CID, pds: String) async throws -> [UInt8] {
        try await fetch(did: did, cid: cid, pds: pds)
    }

    /// Closes the HTTP client. Call once, when done.
    public func shutdown() async { await http.shutdown() }

    /// The `getBlob` URL of `cid` for `did` at the PDS `pds` (`https://host[:port]`, a trailing `/` allowed).
    public static func url(pds: String, did: String, cid: CID) -> String {
        var base = pds
        while base.hasSuffix("/") { base.removeLast() }
        var query = CharacterSet.urlQueryAllowed
        query.remove(charactersIn: "&=+#?")
        let didText = did.addingPercentEncoding(withAllowedCharacters: query) ?? did
        return "\(base)/xrpc/com.atproto.sync.getBlob?did=\(didText)&cid=\(cid.string)"
    }

    /// Fetches and checks one blob. Throws `blob-not-found` (404, or 400 `BlobNotFound`), `blob-too-large`,
    /// `blob-cid-mismatch` (the bytes do not hash to `cid`, or `cid` is not a raw CID) or `blob-fetch-failed`
    /// (refused URL or address, timeout, other status).
    public func fetch(did: String, cid: CID, pds: String) async throws(NetError) -> [UInt8] {
        guard cid.codec == .raw else {
            throw NetError(.blobCIDMismatch, "\(cid) is not a raw-codec CID, as blob CIDs must be")
        }
        let url = Self.url(pds: pds, did: did, cid: cid)
        let response: GuardedHTTPClient.Response
        do throws(NetError) {
            response = try await http.get(url, accept: "*/*")
        } catch {
            if error.code == .responseTooLarge {
                throw NetError(.blobTooLarge, "blob \(cid): larger than \(configuration.maxBlobBytes) bytes (\(error.reason))")
            }
            throw NetError(.blobFetchFailed, "blob \(cid): \(error)")
        }
        switch response.status {
        case 200:
            if let mismatch = BlobAddress.mismatch(response.body, cid: cid) { throw NetError(.blobCIDMismatch, mismatch) }
            return response.body
        case 404:
            throw NetError(.blobNotFound, "blob \(cid) of \(did): \(url) answered 404")
        case 400 where String(decoding: response.body, as: UTF8.self).contains("BlobNotFound"):
            throw NetError(.blobNotFound, "blob \(cid) of \(did): \(url) answered BlobNotFound")
        default:
            throw NetError(.blobFetchFailed, "blob \(cid) of \(did): \(url) answered HTTP \(response.status)")
        }
    }
}
