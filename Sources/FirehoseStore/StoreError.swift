/// The error type of the `FirehoseStore` module.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable code.
    public let code: Code
    /// A human-readable explanation.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(code): \(reason)" }

    /// A stable error code (kebab-case description).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case openFailed = "database-open-failed"
            case notFound = "file-not-found"
            case notADatabase = "not-a-database"
            case outdated = "database-outdated"
            case locked = "database-locked"
            case migrationFailed = "database-migration-failed"
            case corruptRow = "database-corrupt-row"
            case sqlite = "database-error"
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
            case corrupt = "database-corrupt"
            case diskFull = "disk-full"
            case leasesUnsupported = "leases-unsupported"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }
        public var description: String { backing.rawValue }

        /// The database file could not be opened.
        public static let openFailed = Code(.openFailed)
        /// There is no database file at the path (read-only commands never create one).
        public static let notFound = Code(.notFound)
        /// The file is empty, not SQLite, or holds no Breakwater schema.
        public static let notADatabase = Code(.notADatabase)
        /// The schema is older than this version's and a read-only command cannot migrate it.
        public static let outdated = Code(.outdated)
        /// Another process holds the database's writer lock.
        public static let locked = Code(.locked)
        /// A schema migration failed.
        public static let migrationFailed = Code(.migrationFailed)
        /// A stored row holds a value that cannot be decoded.
        public static let corruptRow = Code(.corruptRow)
        /// SQLite reported an error.
        public static let sqlite = Code(.sqlite)
        /// No mirror is registered for the DID.
        public static let mirrorNotFound = Code(.mirrorNotFound)
        /// The mirror keeps only some collections, so it cannot be exported as a complete repository.
        public static let mirrorFiltered = Code(.mirrorFiltered)
        /// The mirror has no verified head yet (never imported).
        public static let mirrorNotImported = Code(.mirrorNotImported)
        /// The stored records do not rebuild to the mirror's root.
        public static let mirrorInconsistent = Code(.mirrorInconsistent)
        /// A repository CAR is unreadable (header, varints, truncation, no roots).
        public static let malformedCAR = Code(.malformedCAR)
        /// A repository block's bytes do not hash to its CID.
        public static let blockCIDMismatch = Code(.blockCIDMismatch)
        /// The CAR's first root is not a commit block present in the CAR.
        public static let carRootMismatch = Code(.carRootMismatch)
        /// The commit block is malformed or of an unsupported version.
        public static let invalidCommit = Code(.invalidCommit)
        /// The commit's `did` is not the mirrored DID.
        public static let didMismatch = Code(.didMismatch)
        /// The commit signature does not verify with the account's key.
        public static let badSignature = Code(.badSignature)
        /// A tree node breaks the MST rules.
        public static let malformedMST = Code(.malformedMST)
        /// A tree node is missing from the repository.
        public static let missingProofBlock = Code(.missingProofBlock)
        /// A record the tree references is missing from the repository.
        public static let missingRecordBlock = Code(.missingRecordBlock)
        /// The repository is otherwise invalid (e.g. the tree does not rebuild to `data`, a key is not a path).
        public static let invalidRepository = Code(.invalidRepository)
        /// The database file is damaged (truncated, overwritten): SQLite's quick check failed at open.
        public static let corrupt = Code(.corrupt)
        /// The file system holding the database has no room left (SQLite rolled the failed write back).
        public static let diskFull = Code(.diskFull)
        /// A write fenced by a lease reached a SQLite database, which keeps no leases (they need PostgreSQL).
        public static let leasesUnsupported = Code(.leasesUnsupported)
    }
}
