public import FirehoseSync

/// The error type of `BreakwaterNet` (subscription, guarded HTTP client, getRepo, getBlob, HTTP server): a stable
/// ``Code`` plus a human reason; equality on the code.
public struct NetError: Error, Hashable, Sendable, CustomStringConvertible, CodedError {
    /// What went wrong, as a stable kebab-case code.
    public let code: Code
    /// A human-readable explanation with specifics.
    public let reason: String
    let file: String
    let line: UInt

    /// Creates an error.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: NetError, rhs: NetError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(reason)" }

    /// The code's text (``CodedError``).
    public var codeName: String { code.description }

    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case invalidURL = "invalid-url"
            case futureCursor = "future-cursor"
            case upstreamRefused = "upstream-refused"
            case upstreamUnreachable = "upstream-unreachable"
            case upstreamTimeout = "upstream-timeout"
            case upstreamClosed = "upstream-closed"
            case cannotBind = "cannot-bind"
            case repoNotFound = "repo-not-found"
            case repoUnavailable = "repo-unavailable"
            case fetchFailed = "fetch-failed"
            case fetchTimeout = "fetch-timeout"
            case fetchTooSlow = "fetch-too-slow"
            case responseTooLarge = "response-too-large"
            case forbiddenAddress = "forbidden-address"
            case rateLimited = "rate-limited"
            case badRedirect = "bad-redirect"
            case noRepoSource = "no-repo-source"
            case blobNotFound = "blob-not-found"
            case blobCIDMismatch = "blob-cid-mismatch"
            case blobTooLarge = "blob-too-large"
            case blobFetchFailed = "blob-fetch-failed"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }
        public var description: String { backing.rawValue }

        /// A relay URL that cannot be used (scheme, host).
        public static let invalidURL = Code(.invalidURL)

        /// The upstream answered `FutureCursor`: the cursor is beyond its last event.
        public static let futureCursor = Code(.futureCursor)

        /// The upstream refused the subscription for good (e.g. HTTP 501, 404).
        public static let upstreamRefused = Code(.upstreamRefused)

        /// Too many consecutive connection failures.
        public static let upstreamUnreachable = Code(.upstreamUnreachable)

        /// The upstream did not complete a step (connect, TLS, upgrade) in time.
        public static let upstreamTimeout = Code(.upstreamTimeout)

        /// The upstream closed the connection before answering.
        public static let upstreamClosed = Code(.upstreamClosed)

        /// The server cannot listen on the requested address.
        public static let cannotBind = Code(.cannotBind)

        /// `getRepo` answered 404 / `RepoNotFound` (Docs/SPEC.md §13).
        public static let repoNotFound = Code(.repoNotFound)

        /// `getRepo` refused the repository (`RepoTakendown`, `RepoSuspended`, `RepoDeactivated`, other 4xx).
        public static let repoUnavailable = Code(.repoUnavailable)

        /// `getRepo` failed: connection error, 5xx, an HTML page instead of a CAR.
        public static let fetchFailed = Code(.fetchFailed)

        /// `getRepo` did not complete within the overall time limit (or stalled).
        public static let fetchTimeout = Code(.fetchTimeout)

        /// The `getRepo` body arrived slower than the minimum transfer rate.
        public static let fetchTooSlow = Code(.fetchTooSlow)

        /// The `getRepo` body is larger than the size cap.
        public static let responseTooLarge = Code(.responseTooLarge)

        /// A URL or connected address is not allowed (private, loopback without permission, not https).
        public static let forbiddenAddress = Code(.forbiddenAddress)

        /// The host's request budget is exhausted, or it answered 429/503 (its `Retry-After` is honoured).
        public static let rateLimited = Code(.rateLimited)

        /// A redirect without a usable `Location`, to a refused URL, or too many redirects.
        public static let badRedirect = Code(.badRedirect)

        /// Neither a relay nor a PDS is known to fetch the repository from.
        public static let noRepoSource = Code(.noRepoSource)

        /// The PDS does not have the blob (`getBlob` answered 404 / `BlobNotFound`).
        public static let blobNotFound = Code(.blobNotFound)

        /// The bytes served for a blob do not hash to its CID (or the CID is not a raw SHA-256 CID).
        public static let blobCIDMismatch = Code(.blobCIDMismatch)

        /// The blob is larger than the configured limit.
        public static let blobTooLarge = Code(.blobTooLarge)

        /// `getBlob` failed otherwise (refused address, timeout, other status).
        public static let blobFetchFailed = Code(.blobFetchFailed)
    }
}
