/// The error type of the `ATSyntax` module: which kind of identifier failed to parse (``Code``) and why
/// (``reason``).
///
/// Modelled on swift-asn1's `ASN1Error`: the code is a
/// struct over a private enum so new codes can be added without breaking callers, and equality
/// compares codes only.
public struct ATSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which syntax rule failed, as a stable code (its ``Code/description`` is kebab-case, e.g. `invalid-did`).
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

    public static func == (lhs: ATSyntaxError, rhs: ATSyntaxError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(reason)" }

    /// A stable error code naming the syntax that was expected.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case invalidDID = "invalid-did"
            case invalidHandle = "invalid-handle"
            case invalidATIdentifier = "invalid-at-identifier"
            case invalidNSID = "invalid-nsid"
            case invalidTID = "invalid-tid"
            case invalidRecordKey = "invalid-record-key"
            case invalidRepoPath = "invalid-repo-path"
            case invalidATURI = "invalid-at-uri"
            case invalidDatetime = "invalid-datetime"
            case outOfRange = "out-of-range"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        public var description: String { backing.rawValue }

        /// Not a valid DID (https://atproto.com/specs/did).
        public static let invalidDID = Code(.invalidDID)
        /// Not a valid handle (https://atproto.com/specs/handle).
        public static let invalidHandle = Code(.invalidHandle)
        /// Neither a valid DID nor a valid handle.
        public static let invalidATIdentifier = Code(.invalidATIdentifier)
        /// Not a valid NSID (https://atproto.com/specs/nsid).
        public static let invalidNSID = Code(.invalidNSID)
        /// Not a valid TID (https://atproto.com/specs/tid).
        public static let invalidTID = Code(.invalidTID)
        /// Not a valid record key (https://atproto.com/specs/record-key).
        public static let invalidRecordKey = Code(.invalidRecordKey)
        /// Not a valid repository path `<collection>/<rkey>` (https://atproto.com/specs/repository).
        public static let invalidRepoPath = Code(.invalidRepoPath)
        /// Not a valid AT URI in the restricted syntax (https://atproto.com/specs/at-uri-scheme).
        public static let invalidATURI = Code(.invalidATURI)
        /// Not a valid atproto datetime (https://atproto.com/specs/lexicon#datetime).
        public static let invalidDatetime = Code(.invalidDatetime)
        /// A numeric component given to an initialiser is outside the representable range.
        public static let outOfRange = Code(.outOfRange)
    }
}
