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
            case migrationFailed = "database-migration-failed"
            case corruptRow = "database-corrupt-row"
            case sqlite = "database-error"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }
        public var description: String { backing.rawValue }

        /// The database file could not be opened.
        public static let openFailed = Code(.openFailed)
        /// A schema migration failed.
        public static let migrationFailed = Code(.migrationFailed)
        /// A stored row holds a value that cannot be decoded.
        public static let corruptRow = Code(.corruptRow)
        /// SQLite reported an error.
        public static let sqlite = Code(.sqlite)
    }
}
