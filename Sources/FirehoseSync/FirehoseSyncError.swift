/// The error type of the `FirehoseSync` module: a stable code plus a reason.
///
/// Verification failures are not errors (they are ``Verdict`` values); this type covers
/// undecodable input such as a truncated recording or a frame that is not two DAG-CBOR items.
public struct FirehoseSyncError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable code.
    public let code: Code
    /// A human-readable explanation.
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

    public static func == (lhs: FirehoseSyncError, rhs: FirehoseSyncError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(code): \(reason)" }

    /// A stable error code (kebab-case description).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case malformedFrame = "malformed-frame"
            case truncatedRecording = "truncated-recording"
            case frameTooLarge = "frame-too-large"
            case invalidCollectionFilter = "invalid-collection-filter"
            case invalidPartition = "invalid-partition"
            case leaseLost = "lease-lost"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }
        public var description: String { backing.rawValue }

        /// A frame is not exactly two strict DAG-CBOR items with a valid header.
        public static let malformedFrame = Code(.malformedFrame)
        /// A recording ends inside a length prefix or a frame.
        public static let truncatedRecording = Code(.truncatedRecording)
        /// A frame exceeds the 5,000,000-byte limit.
        public static let frameTooLarge = Code(.frameTooLarge)
        /// A mirror collection filter is neither an NSID nor an NSID prefix followed by `.*`.
        public static let invalidCollectionFilter = Code(.invalidCollectionFilter)
        /// A partition is not `K/N` with `0 ≤ K < N ≤ 1024`.
        public static let invalidPartition = Code(.invalidPartition)
        /// A write fenced by a lease found the lease held by another holder or epoch: nothing was committed.
        public static let leaseLost = Code(.leaseLost)
    }
}
