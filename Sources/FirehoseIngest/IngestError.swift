public import FirehoseSync

/// The error type of `FirehoseIngest` (recordings, blob folders, repository checks): a stable ``Code`` plus a human reason
/// (modelled on `IPLDError`: a struct over a private enum, equality on the code).
public struct IngestError: Error, Hashable, Sendable, CustomStringConvertible, CodedError {
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

    /// The code's text (``CodedError``).
    public var codeName: String { code.description }

    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case recordingUnreadable = "recording-unreadable"
            case cannotWrite = "cannot-write"
            case diskFull = "disk-full"
            case invalidRepository = "invalid-repository"
            case blobCIDMismatch = "blob-cid-mismatch"
            case blobTooLarge = "blob-too-large"
            case blobFetchFailed = "blob-fetch-failed"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }
        public var description: String { backing.rawValue }

        /// A recording to serve cannot be read.
        public static let recordingUnreadable = Code(.recordingUnreadable)
        /// A recording cannot be written.
        public static let cannotWrite = Code(.cannotWrite)
        /// The file system has no room left for a file being written (a recording's frames).
        public static let diskFull = Code(.diskFull)
        /// The fetched repository failed verification (the reason code of Docs/CONTRACT.md §4 is in the message).
        public static let invalidRepository = Code(.invalidRepository)
        /// The bytes served for a blob do not hash to its CID (or the CID is not a raw SHA-256 CID).
        public static let blobCIDMismatch = Code(.blobCIDMismatch)
        /// The blob is larger than the configured limit.
        public static let blobTooLarge = Code(.blobTooLarge)
        /// `getBlob` failed otherwise (refused address, timeout, other status).
        public static let blobFetchFailed = Code(.blobFetchFailed)
    }
}
