/// The error type of the `ATIdentity` module: a stable machine-readable ``Code`` plus a human reason.
///
/// Modelled on swift-asn1's `ASN1Error`: the code is a struct
/// over a private enum so new codes can be added without breaking callers, and equality compares codes
/// only.
public struct ATIdentityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong (its ``Code/description`` is kebab-case, e.g. `wrong-did`).
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

    public static func == (lhs: ATIdentityError, rhs: ATIdentityError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(reason)" }

    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case notFound = "not-found"
            case tombstoned = "tombstoned"
            case wrongDID = "wrong-did"
            case noSigningKey = "no-signing-key"
            case unsupportedKeyType = "unsupported-key-type"
            case invalidKeyEncoding = "invalid-key-encoding"
            case badDocument = "bad-document"
            case unsupportedMethod = "unsupported-did-method"
            case resolutionFailed = "resolution-failed"
            case invalidIdentitiesFile = "invalid-identities-file"
            case timeout = "timeout"
            case responseTooLarge = "response-too-large"
            case forbiddenAddress = "forbidden-address"
            case httpStatus = "http-status"
            case badRedirect = "bad-redirect"
            case rateLimited = "rate-limited"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        public var description: String { backing.rawValue }

        /// The code whose ``description`` is `description` (e.g. read back from a cache table); nil when
        /// unknown.
        public init?(_ description: String) {
            guard let backing = Backing(rawValue: description) else { return nil }
            self.backing = backing
        }

        /// The DID is not registered (PLC `404`) or not in a static identities file.
        public static let notFound = Code(.notFound)
        /// The DID was tombstoned (PLC `410 Gone`): the account counts as deleted.
        public static let tombstoned = Code(.tombstoned)
        /// The document's `id` is not the DID that was asked for.
        public static let wrongDID = Code(.wrongDID)
        /// The document has no usable `#atproto` verification method.
        public static let noSigningKey = Code(.noSigningKey)
        /// The `#atproto` verification method has a type other than `Multikey` or a legacy suite.
        public static let unsupportedKeyType = Code(.unsupportedKeyType)
        /// The key is not a well-formed multibase/did:key string.
        public static let invalidKeyEncoding = Code(.invalidKeyEncoding)
        /// The DID document is not valid JSON or lacks required structure.
        public static let badDocument = Code(.badDocument)
        /// The DID method is valid syntax but not supported (only `plc` and `web` are).
        public static let unsupportedMethod = Code(.unsupportedMethod)
        /// Resolution failed for another reason (network, server error, timeout).
        public static let resolutionFailed = Code(.resolutionFailed)
        /// An identities file (Docs/CONTRACT.md §2) is malformed.
        public static let invalidIdentitiesFile = Code(.invalidIdentitiesFile)
        /// A network look-up did not finish within its time limit (connect or total).
        public static let timeout = Code(.timeout)
        /// The server's response is larger than the limit and was not read.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// The URL or the address connected to is not allowed: not https, or a private, loopback,
        /// link-local or otherwise special address (SSRF guard, Docs/SPEC.md §11).
        public static let forbiddenAddress = Code(.forbiddenAddress)
        /// The server answered with an unexpected HTTP status (e.g. `500`).
        public static let httpStatus = Code(.httpStatus)
        /// A redirect was malformed, went to a forbidden URL, or there were too many.
        public static let badRedirect = Code(.badRedirect)
        /// The per-host request budget would have been exceeded for too long.
        public static let rateLimited = Code(.rateLimited)
    }
}
