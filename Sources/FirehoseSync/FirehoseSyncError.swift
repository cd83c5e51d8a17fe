/// The error type of the `FirehoseSync` module: a stable code plus a reason.
///
/// Verification failures are not errors (they are ``Verdict`` values); this type covers
/// undecodable input such as a truncated recording or a frame that is not two DAG-CBOR items.
public struct FirehoseSyncError: Error, Hashable, Sendable, CustomStringConvertible, CodedError {
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
    /// The code's text (``CodedError``).
    public var codeName: String { code.description }

    /// A stable error code (kebab-case description).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case malformedFrame = "malformed-frame"
            case truncatedRecording = "truncated-recording"
            case frameTooLarge = "frame-too-large"
            case invalidCollectionFilter = "invalid-collection-filter"
            case invalidPartition = "invalid-partition"
            case leaseLost = "lease-lost"
            case mirrorNotFound = "mirror-not-found"
            case mirrorFiltered = "mirror-filtered"
            case mirrorNotImported = "mirror-not-imported"
            case mirrorInconsistent = "mirror-inconsistent"
            case malformedCAR = "malformed-car"
            case blockCIDMismatch = "block-cid-mismatch"
            case carRootMismatch = "car-root-mismatch"
            case invalidCommit = "invalid-commit"
            case didMismatch = "did-mismatch"
            case badSignature = "bad-signature"
            case malformedMST = "malformed-mst"
            case missingProofBlock = "missing-proof-block"
            case missingRecordBlock = "missing-record-block"
            case invalidRepository = "invalid-repository"
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
        /// The account is not mirrored.
        public static let mirrorNotFound = Code(.mirrorNotFound)
        /// A filtered mirror is not a complete repository (export).
        public static let mirrorFiltered = Code(.mirrorFiltered)
        /// The mirror has no verified head yet.
        public static let mirrorNotImported = Code(.mirrorNotImported)
        /// The stored records do not rebuild to the mirror's root.
        public static let mirrorInconsistent = Code(.mirrorInconsistent)
        /// A repository CAR is malformed.
        public static let malformedCAR = Code(.malformedCAR)
        /// A CAR block's bytes do not hash to its CID.
        public static let blockCIDMismatch = Code(.blockCIDMismatch)
        /// The CAR's root is not a commit block it holds.
        public static let carRootMismatch = Code(.carRootMismatch)
        /// The commit block is not a valid commit.
        public static let invalidCommit = Code(.invalidCommit)
        /// The commit belongs to another account.
        public static let didMismatch = Code(.didMismatch)
        /// The commit signature does not verify with the account's key.
        public static let badSignature = Code(.badSignature)
        /// A tree node is malformed, or the tree does not rebuild to the commit's root.
        public static let malformedMST = Code(.malformedMST)
        /// A tree node is missing.
        public static let missingProofBlock = Code(.missingProofBlock)
        /// A record block is missing.
        public static let missingRecordBlock = Code(.missingRecordBlock)
        /// The repository is invalid for another reason.
        public static let invalidRepository = Code(.invalidRepository)
    }
}
