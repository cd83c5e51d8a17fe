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
        /// The database file is damaged (truncated, overwritten): SQLite's quick check failed at open.
        public static let corrupt = Code(.corrupt)
        /// The file system holding the database has no room left (SQLite rolled the failed write back).
        public static let diskFull = Code(.diskFull)
        /// A write fenced by a lease reached a SQLite database, which keeps no leases (they need PostgreSQL).
        public static let leasesUnsupported = Code(.leasesUnsupported)
    }
}
