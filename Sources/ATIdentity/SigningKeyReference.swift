import IPLD

/// The `#atproto` signing key of an identity as the DID document states it, before any curve
/// arithmetic: the verification method `type` and its `publicKeyMultibase`.
///
/// `ATCrypto` turns it into a usable public key. ``didKeyString`` gives the equivalent `did:key`
/// when the encoding allows it: for `Multikey` it is `did:key:` + `publicKeyMultibase`; for the legacy
/// suites (a base58btc point without a multicodec prefix, 65-byte uncompressed in DID documents or
/// 33-byte compressed) the point is compressed and given the curve's multicodec prefix. No check is
/// made here that the point lies on the curve.
///
/// Spec: https://atproto.com/specs/cryptography (Docs/SPEC.md §10, §11; vectors README §4 pitfall 5)
public struct SigningKeyReference: Hashable, Sendable {
    /// The verification method type: `Multikey`, `EcdsaSecp256k1VerificationKey2019` or
    /// `EcdsaSecp256r1VerificationKey2019`.
    public let type: String
    /// The multibase-encoded key (base58btc, `z…`).
    public let publicKeyMultibase: String
    /// The equivalent `did:key:z…` string, when derivable from the encoding.
    public let didKeyString: String?

    /// The verification method type of current documents.
    public static let multikeyType = "Multikey"
    /// The legacy suite type for K-256 keys.
    public static let legacySecp256k1Type = "EcdsaSecp256k1VerificationKey2019"
    /// The legacy suite type for P-256 keys.
    public static let legacyP256Type = "EcdsaSecp256r1VerificationKey2019"
    /// Every type accepted for an `#atproto` verification method.
    public static let supportedTypes: Set<String> = [multikeyType, legacySecp256k1Type, legacyP256Type]

    /// A reference from a verification method's `type` and `publicKeyMultibase`.
    public init(type: String, publicKeyMultibase: String) throws(ATIdentityError) {
        guard SigningKeyReference.supportedTypes.contains(type) else {
            throw ATIdentityError(.unsupportedKeyType, "verification method type \"\(type)\" is not supported")
        }
        guard publicKeyMultibase.utf8.first == UInt8(ascii: "z"), publicKeyMultibase.utf8.count > 1 else {
            throw ATIdentityError(.invalidKeyEncoding, "publicKeyMultibase must be base58btc (\"z…\")")
        }
        self.type = type
        self.publicKeyMultibase = publicKeyMultibase
        switch type {
        case SigningKeyReference.multikeyType:
            self.didKeyString = "did:key:" + publicKeyMultibase
        case SigningKeyReference.legacySecp256k1Type:
            self.didKeyString = SigningKeyReference.legacyDIDKey(publicKeyMultibase, multicodec: [0xE7, 0x01])
        default:
            self.didKeyString = SigningKeyReference.legacyDIDKey(publicKeyMultibase, multicodec: [0x80, 0x24])
        }
    }

    /// A `Multikey` reference from a `did:key:z…` string (the identities file's short form).
    public init(didKey: String) throws(ATIdentityError) {
        guard didKey.hasPrefix("did:key:z"), didKey.utf8.count > 9 else {
            throw ATIdentityError(.invalidKeyEncoding, "signing key must be a did:key:z… string")
        }
        try self.init(type: SigningKeyReference.multikeyType, publicKeyMultibase: String(didKey.dropFirst(8)))
    }

    /// Whether this is a legacy suite type rather than `Multikey`.
    public var isLegacy: Bool { type != SigningKeyReference.multikeyType }

    /// The did:key of a legacy key: its point compressed, prefixed with the curve's multicodec varint.
    static func legacyDIDKey(_ multibase: String, multicodec: [UInt8]) -> String? {
        guard let bytes = Base58.decode(multibase.dropFirst()) else { return nil }
        var compressed: [UInt8]
        if bytes.count == 65, bytes[0] == 0x04 {
            compressed = [(bytes[64] & 1) == 1 ? 0x03 : 0x02]
            compressed.append(contentsOf: bytes[1...32])
        } else if bytes.count == 33, bytes[0] == 0x02 || bytes[0] == 0x03 {
            compressed = bytes
        } else {
            return nil
        }
        return "did:key:z" + Base58.encode(multicodec + compressed)
    }
}
