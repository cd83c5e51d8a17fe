/// The error type of the network side of `FirehoseIngest`: a stable ``Code`` plus a human reason
/// (modelled on `IPLDError`: a struct over a private enum, equality on the code).
public struct IngestError: Error, Hashable, Sendable, CustomStringConvertible {
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

    public static func == (lhs: IngestError, rhs: IngestError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(reason)" }

    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case invalidURL = "invalid-url"
            case futureCursor = "future-cursor"
            case upstreamRefused = "upstream-refused"
            case upstreamUnreachable = "upstream-unreachable"
            case recordingUnreadable = "recording-unreadable"
            case cannotBind = "cannot-bind"
            case cannotWrite = "cannot-write"
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
        /// A recording to serve cannot be read.
        public static let recordingUnreadable = Code(.recordingUnreadable)
        /// The server cannot listen on the requested address.
        public static let cannotBind = Code(.cannotBind)
        /// A recording cannot be written.
        public static let cannotWrite = Code(.cannotWrite)
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
