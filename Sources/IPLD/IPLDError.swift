/// The error type of the `IPLD` module: a stable machine-readable ``Code`` plus a human reason.
///
/// Modelled on swift-asn1's `ASN1Error`: the code is a struct over a private enum so new codes can be
/// added without breaking callers, and equality compares codes only.
public struct IPLDError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code (its ``Code/description`` is kebab-case, e.g. `trailing-bytes`).
    public let code: Code
    /// A human-readable explanation with specifics (offsets, values).
    public let reason: String
    /// Byte offset in the input where the problem was found, when known.
    public let offset: Int?
    let file: String
    let line: UInt

    /// Creates an error.
    public init(_ code: Code, _ reason: String, offset: Int? = nil, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.file = file
        self.line = line
    }

    public static func == (lhs: IPLDError, rhs: IPLDError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        if let offset { return "\(code): \(reason) (at byte \(offset))" }
        return "\(code): \(reason)"
    }

    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case truncated = "truncated"
            case trailingBytes = "trailing-bytes"
            case nonMinimalInteger = "non-minimal-integer"
            case nonMinimalLength = "non-minimal-length"
            case indefiniteLength = "indefinite-length"
            case floatForbidden = "float-forbidden"
            case forbiddenTag = "forbidden-tag"
            case forbiddenSimpleValue = "forbidden-simple-value"
            case reservedAdditionalInfo = "reserved-additional-info"
            case integerOutOfRange = "integer-out-of-range"
            case mapKeyNotText = "map-key-not-text"
            case duplicateMapKey = "duplicate-map-key"
            case unsortedMapKeys = "unsorted-map-keys"
            case invalidUTF8 = "invalid-utf8"
            case nestingTooDeep = "nesting-too-deep"
            case containerTooLarge = "container-too-large"
            case lengthTooLarge = "length-too-large"
            case cidMissingPrefix = "cid-missing-prefix"
            case invalidCID = "invalid-cid"
            case unsupportedCID = "unsupported-cid"
            case invalidVarint = "invalid-varint"
            case invalidMultibase = "invalid-multibase"
            case malformedCAR = "malformed-car"
            case unsupportedCARVersion = "unsupported-car-version"
            case carMissingRoots = "car-missing-roots"
            case blockHashMismatch = "block-cid-mismatch"
            case invalidJSON = "invalid-json"
            case invalidDataModel = "invalid-data-model"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        public var description: String { backing.rawValue }

        /// Input ended inside an item.
        public static let truncated = Code(.truncated)
        /// Bytes follow the single top-level item.
        public static let trailingBytes = Code(.trailingBytes)
        /// An integer argument was not in its shortest form.
        public static let nonMinimalInteger = Code(.nonMinimalInteger)
        /// A length was not in its shortest form.
        public static let nonMinimalLength = Code(.nonMinimalLength)
        /// Indefinite-length items are not allowed.
        public static let indefiniteLength = Code(.indefiniteLength)
        /// Floating-point numbers are not allowed in the atproto data model.
        public static let floatForbidden = Code(.floatForbidden)
        /// A tag other than 42 (CID) was found.
        public static let forbiddenTag = Code(.forbiddenTag)
        /// A simple value other than false/true/null was found.
        public static let forbiddenSimpleValue = Code(.forbiddenSimpleValue)
        /// Additional-info values 28–30 are reserved.
        public static let reservedAdditionalInfo = Code(.reservedAdditionalInfo)
        /// An integer does not fit the signed 64-bit range.
        public static let integerOutOfRange = Code(.integerOutOfRange)
        /// A map key was not a text string.
        public static let mapKeyNotText = Code(.mapKeyNotText)
        /// A map key appeared twice.
        public static let duplicateMapKey = Code(.duplicateMapKey)
        /// Map keys were not in canonical (length-first, then bytewise) order.
        public static let unsortedMapKeys = Code(.unsortedMapKeys)
        /// A text string was not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// Containers nested deeper than allowed.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// An array or map has more entries than allowed.
        public static let containerTooLarge = Code(.containerTooLarge)
        /// A byte or text string is longer than the input or allowed size.
        public static let lengthTooLarge = Code(.lengthTooLarge)
        /// A tag-42 byte string lacks the leading 0x00 multibase prefix.
        public static let cidMissingPrefix = Code(.cidMissingPrefix)
        /// A CID could not be parsed.
        public static let invalidCID = Code(.invalidCID)
        /// A CID is well-formed but outside the blessed atproto forms (v1, dag-cbor/raw, sha2-256).
        public static let unsupportedCID = Code(.unsupportedCID)
        /// A varint is malformed, non-minimal or too long.
        public static let invalidVarint = Code(.invalidVarint)
        /// A multibase string is malformed.
        public static let invalidMultibase = Code(.invalidMultibase)
        /// A CAR file is structurally malformed.
        public static let malformedCAR = Code(.malformedCAR)
        /// A CAR header declares a version other than 1.
        public static let unsupportedCARVersion = Code(.unsupportedCARVersion)
        /// A CAR header has no roots.
        public static let carMissingRoots = Code(.carMissingRoots)
        /// A block's bytes do not hash to its CID.
        public static let blockHashMismatch = Code(.blockHashMismatch)
        /// Input is not valid JSON.
        public static let invalidJSON = Code(.invalidJSON)
        /// JSON is valid but not in the atproto data model.
        public static let invalidDataModel = Code(.invalidDataModel)
    }
}
