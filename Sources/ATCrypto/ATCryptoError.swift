/// The error type of the `ATCrypto` module: a stable machine-readable ``Code`` plus a human reason.
///
/// Thrown for malformed keys (bad did:key, Multikey or legacy DID-document key, bad points, private
/// scalars out of range). A signature that fails to verify is not an error: it is a
/// ``SignatureCheck`` value.
///
/// Modelled on swift-asn1's `ASN1Error` (like `IPLDError`): the code is a struct over a private enum so
/// new codes can be added without breaking callers, and equality compares codes only.
public struct ATCryptoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code (its ``Code/description`` is kebab-case, e.g. `invalid-point`).
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

    public static func == (lhs: ATCryptoError, rhs: ATCryptoError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(reason)" }

    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case invalidDIDKey = "invalid-did-key"
            case invalidMultibase = "invalid-multibase"
            case unknownMulticodec = "unknown-multicodec"
            case unsupportedCurve = "unsupported-curve"
            case wrongLength = "wrong-length"
            case invalidPoint = "invalid-point"
            case invalidPrivateKey = "invalid-private-key"
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        public var description: String { backing.rawValue }

        /// The string does not start with `did:key:` or has no key after it.
        public static let invalidDIDKey = Code(.invalidDIDKey)
        /// A multibase string is not `z` + base58btc (bad prefix, character outside the alphabet, too long).
        public static let invalidMultibase = Code(.invalidMultibase)
        /// The multicodec prefix names no known key type.
        public static let unknownMulticodec = Code(.unknownMulticodec)
        /// The key type is known but not an atproto curve (e.g. ed25519), or a DID-document key `type`
        /// is not one of the supported suites.
        public static let unsupportedCurve = Code(.unsupportedCurve)
        /// Key bytes have the wrong length for their encoding (a point is 33 or 65 bytes, a scalar 32).
        public static let wrongLength = Code(.wrongLength)
        /// The bytes are not a valid point on the curve (bad prefix byte, x not on the curve, …).
        public static let invalidPoint = Code(.invalidPoint)
        /// A private scalar is zero or not below the curve order.
        public static let invalidPrivateKey = Code(.invalidPrivateKey)
    }
}
