public import IPLD

/// The error type of the `ATRepo` module: a stable machine-readable ``Code`` plus a human reason.
///
/// Modelled on ``IPLD/IPLDError`` (and swift-asn1's `ASN1Error`): the code is a struct over a private
/// enum, descriptions are kebab-case, equality compares codes only. Codes that name a verification
/// failure use the reason strings of Docs/CONTRACT.md §4 (`malformed-mst`, `missing-proof-block`, …).
public struct ATRepoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public let code: Code
    /// A human-readable explanation with specifics.
    public let reason: String
    /// The block concerned, when there is one (for `missing-proof-block`: the CID that was needed).
    public let cid: CID?
    let file: String
    let line: UInt

    /// Creates an error.
    public init(_ code: Code, _ reason: String, cid: CID? = nil, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.cid = cid
        self.file = file
        self.line = line
    }

    public static func == (lhs: ATRepoError, rhs: ATRepoError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        if let cid { return "\(code): \(reason) (\(cid))" }
        return "\(code): \(reason)"
    }

    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case malformedMST = "malformed-mst"
            case missingProofBlock = "missing-proof-block"
            case missingRecordBlock = "missing-record-block"
            case invalidKey = "invalid-key"
            case invalidCommit = "invalid-commit"
            case invalidRepository = "invalid-repository"
            case carRootMismatch = "car-root-mismatch"
            case fieldMismatch = "field-mismatch"
            case badSignature = "bad-signature"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        public var description: String { backing.rawValue }

        /// An MST node breaks the encoding or structural rules (Docs/SPEC.md §5.3–§5.4).
        public static let malformedMST = Code(.malformedMST)
        /// An operation needed to look inside a tree node that is not in the block set.
        public static let missingProofBlock = Code(.missingProofBlock)
        /// A record block that must be present is absent.
        public static let missingRecordBlock = Code(.missingRecordBlock)
        /// A key given by the caller is not a valid MST key (empty, too long, unsorted input).
        public static let invalidKey = Code(.invalidKey)
        /// A commit block is malformed or of an unsupported version.
        public static let invalidCommit = Code(.invalidCommit)
        /// A repository export is inconsistent (record count, rebuilt root, missing commit).
        public static let invalidRepository = Code(.invalidRepository)
        /// The commit named as the repository's root is not among its blocks.
        public static let carRootMismatch = Code(.carRootMismatch)
        /// The commit belongs to another account than the one expected.
        public static let fieldMismatch = Code(.fieldMismatch)
        /// The commit signature does not verify with the expected key.
        public static let badSignature = Code(.badSignature)

        /// The rejection reason a failed repository verification is reported under: the code itself, except that
        /// every structural fault of the tree (`malformed-mst`, `invalid-key`, `invalid-repository`) is
        /// `malformed-mst`.
        public var rejectionReason: String {
            switch backing {
            case .malformedMST, .invalidKey, .invalidRepository: return Backing.malformedMST.rawValue
            default: return backing.rawValue
            }
        }
    }
}
