/// The two elliptic curves atproto uses for signing keys.
///
/// See https://atproto.com/specs/cryptography and Docs/SPEC.md §10.
public enum Curve: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// NIST P-256 (secp256r1), JWT algorithm `ES256`, multicodec `p256-pub` (0x1200).
    case p256
    /// secp256k1, JWT algorithm `ES256K`, multicodec `secp256k1-pub` (0xe7).
    case k256

    public var description: String { rawValue }

    /// The JWT `alg` name: `ES256` or `ES256K`.
    public var jwtAlgorithm: String {
        switch self {
        case .p256: "ES256"
        case .k256: "ES256K"
        }
    }

    /// The multicodec code of the public key type: 0x1200 (`p256-pub`) or 0xe7 (`secp256k1-pub`).
    public var publicKeyMulticodec: UInt64 {
        switch self {
        case .p256: 0x1200
        case .k256: 0xe7
        }
    }

    /// The multicodec varint bytes that prefix a compressed point in did:key and Multikey:
    /// `80 24` (P-256) or `e7 01` (secp256k1).
    public var publicKeyPrefix: [UInt8] {
        switch self {
        case .p256: [0x80, 0x24]
        case .k256: [0xe7, 0x01]
        }
    }

    /// The legacy DID-document verification method `type` for this curve.
    public var legacyVerificationMethodType: String {
        switch self {
        case .p256: "EcdsaSecp256r1VerificationKey2019"
        case .k256: "EcdsaSecp256k1VerificationKey2019"
        }
    }

    /// The curve named by a legacy DID-document verification method `type`, or nil for any other type.
    public init?(legacyVerificationMethodType type: String) {
        switch type {
        case "EcdsaSecp256r1VerificationKey2019": self = .p256
        case "EcdsaSecp256k1VerificationKey2019": self = .k256
        default: return nil
        }
    }

    /// The group order n, 32 bytes big-endian.
    public var order: [UInt8] {
        switch self {
        case .p256: CurveConstants.p256Order
        case .k256: CurveConstants.k256Order
        }
    }

    /// floor(n / 2), 32 bytes big-endian: the largest `s` atproto accepts (the low-S rule).
    public var halfOrder: [UInt8] {
        switch self {
        case .p256: CurveConstants.p256HalfOrder
        case .k256: CurveConstants.k256HalfOrder
        }
    }
}

/// Big-endian constants of both curves (Docs/SPEC.md §10).
enum CurveConstants {
    static let p256Order: [UInt8] = bytes("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551")
    static let p256HalfOrder: [UInt8] = bytes("7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8")
    static let k256Order: [UInt8] = bytes("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")
    static let k256HalfOrder: [UInt8] = bytes("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0")

    /// Decodes a constant hex string (trusted, fixed input).
    private static func bytes(_ hex: StaticString) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8? = nil
        for char in "\(hex)".utf8 {
            let nibble: UInt8 = char <= 57 ? char - 48 : (char | 0x20) - 87
            if let value = high {
                out.append(value << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }
}
