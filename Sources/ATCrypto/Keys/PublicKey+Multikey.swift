import IPLD

extension PublicKey {
    /// Parses a `did:key:z…` string (Docs/SPEC.md §10, https://atproto.com/specs/cryptography).
    ///
    /// Repeated parsing of the same string on a hot path should go through ``KeyCache``.
    public init(didKey: String) throws(ATCryptoError) {
        let prefix = "did:key:"
        guard didKey.hasPrefix(prefix) else {
            throw ATCryptoError(.invalidDIDKey, "a did:key starts with \"did:key:\"")
        }
        let body = didKey.dropFirst(prefix.count)
        guard !body.isEmpty else { throw ATCryptoError(.invalidDIDKey, "no key after \"did:key:\"") }
        try self.init(multikey: body)
    }

    /// Parses a Multikey `publicKeyMultibase` (the did:key body): `z` + base58btc of the multicodec
    /// varint (`e7 01` secp256k1, `80 24` P-256) followed by the 33-byte compressed point.
    public init(multikey: some StringProtocol) throws(ATCryptoError) {
        let bytes = try Self.decodeMultibase(multikey)
        var offset = 0
        let code: UInt64
        do {
            code = try Varint.decode(bytes, offset: &offset)
        } catch {
            throw ATCryptoError(.unknownMulticodec, "the key does not start with a multicodec varint")
        }
        let curve: Curve
        switch code {
        case Curve.k256.publicKeyMulticodec: curve = .k256
        case Curve.p256.publicKeyMulticodec: curve = .p256
        default:
            if let name = Self.unsupportedKeyCodecs[code] {
                throw ATCryptoError(.unsupportedCurve, "\(name) keys are not atproto signing keys")
            }
            throw ATCryptoError(.unknownMulticodec, "unknown key multicodec 0x\(String(code, radix: 16))")
        }
        let point = Array(bytes[offset...])
        guard point.count == 33 else {
            throw ATCryptoError(.wrongLength, "a did:key holds a 33-byte compressed point, got \(point.count) bytes")
        }
        try self.init(curve: curve, point: point)
    }

    /// Parses a legacy DID-document key: `publicKeyMultibase` = `z` + base58btc of a point with no
    /// multicodec prefix (usually the 65-byte uncompressed form; 33 compressed bytes are accepted),
    /// the curve given by `type` (`EcdsaSecp256k1VerificationKey2019` or `EcdsaSecp256r1VerificationKey2019`).
    public init(legacyMultibase: some StringProtocol, type: String) throws(ATCryptoError) {
        guard let curve = Curve(legacyVerificationMethodType: type) else {
            throw ATCryptoError(.unsupportedCurve, "unsupported verification method type \"\(type)\"")
        }
        try self.init(curve: curve, point: Self.decodeMultibase(legacyMultibase))
    }

    /// Parses the key of a DID-document verification method of any supported form: `Multikey`, or
    /// one of the legacy suite types (see ``init(legacyMultibase:type:)``).
    public init(verificationMethodType type: String, publicKeyMultibase: String) throws(ATCryptoError) {
        if type == "Multikey" {
            try self.init(multikey: publicKeyMultibase)
        } else {
            try self.init(legacyMultibase: publicKeyMultibase, type: type)
        }
    }

    /// The Multikey string: `z` + base58btc(multicodec prefix ‖ compressed point).
    public var multikey: String {
        "z" + Base58.encode(curve.publicKeyPrefix + compressed)
    }

    /// The `did:key:z…` string of this key.
    public var didKey: String { "did:key:" + multikey }

    /// The legacy DID-document `publicKeyMultibase`: `z` + base58btc of the uncompressed point,
    /// to be paired with ``Curve/legacyVerificationMethodType``.
    public var legacyMultibase: String { "z" + Base58.encode(uncompressed) }

    private static func decodeMultibase(_ text: some StringProtocol) throws(ATCryptoError) -> [UInt8] {
        guard text.utf8.first == UInt8(ascii: "z") else {
            throw ATCryptoError(.invalidMultibase, "expected base58btc multibase (prefix \"z\")")
        }
        guard let bytes = Base58.decode(text.dropFirst()), !bytes.isEmpty else {
            throw ATCryptoError(.invalidMultibase, "invalid base58btc")
        }
        return bytes
    }

    /// Known key multicodecs that are not atproto curves.
    private static let unsupportedKeyCodecs: [UInt64: String] = [
        0xed: "ed25519",
        0xec: "x25519",
        0xea: "bls12_381-g1",
        0xeb: "bls12_381-g2",
        0x1201: "P-384",
        0x1202: "P-521",
        0x1205: "RSA",
    ]
}
