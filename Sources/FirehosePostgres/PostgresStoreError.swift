/// The error type of the `FirehosePostgres` module.
public struct PostgresStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable code.
    public let code: Code
    /// A human-readable explanation.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public static func == (lhs: PostgresStoreError, rhs: PostgresStoreError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(code): \(reason)" }

    /// A stable error code (kebab-case description).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case invalidAddress = "postgres-invalid-address"
            case unreachable = "postgres-unreachable"
            case auth = "postgres-auth"
            case tls = "postgres-tls"
            case query = "postgres-error"
            case leaseLost = "lease-lost"
            case schemaTooNew = "schema-too-new"
            case migrationFailed = "database-migration-failed"
            case corruptRow = "database-corrupt-row"
            case closed = "postgres-closed"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }
        public var description: String { backing.rawValue }

        /// The address is not a `postgres://user[:password]@host[:port]/db[?sslmode=…]` URL.
        public static let invalidAddress = Code(.invalidAddress)
        /// The server could not be reached (refused, unresolvable, connection dropped).
        public static let unreachable = Code(.unreachable)
        /// The server refused the credentials.
        public static let auth = Code(.auth)
        /// TLS was asked for and could not be set up or was refused.
        public static let tls = Code(.tls)
        /// The server reported an error for a statement.
        public static let query = Code(.query)
        /// A fenced write found the lease held by another holder or epoch: nothing was written.
        public static let leaseLost = Code(.leaseLost)
        /// The database was migrated by a newer version of Breakwater.
        public static let schemaTooNew = Code(.schemaTooNew)
        /// A schema migration failed (rolled back).
        public static let migrationFailed = Code(.migrationFailed)
        /// A stored row holds a value that cannot be decoded.
        public static let corruptRow = Code(.corruptRow)
        /// The store was closed.
        public static let closed = Code(.closed)
    }
}
