import ATCrypto
import IPLD
import Testing

/// Malformed keys throw `ATCryptoError` with the right code and never crash.
@Suite struct KeyParsingErrorTests {
    struct BadKey: Sendable, CustomTestStringConvertible {
        let input: String
        let code: ATCryptoError.Code
        var testDescription: String { "\(code): \(input)" }
    }

    static let k256Prefix: [UInt8] = [0xe7, 0x01]
    static let p256Prefix: [UInt8] = [0x80, 0x24]

    static func badDIDKeys() -> [BadKey] {
        let x = [UInt8](repeating: 0xff, count: 32)  // ≥ p on both curves: never a point
        return [
            BadKey(input: "did:web:example.com", code: .invalidDIDKey),
            BadKey(input: "did:key:", code: .invalidDIDKey),
            BadKey(input: "DID:KEY:zQ3shqwJEJyMBsBXCWyCBpUBMqxcon9oHB7mCvx4sSpMdLJwc", code: .invalidDIDKey),
            BadKey(input: "did:key:Q3shqwJEJyMBsBXCWyCBpUBMqxcon9oHB7mCvx4sSpMdLJwc", code: .invalidMultibase),
            BadKey(input: "did:key:z", code: .invalidMultibase),
            BadKey(input: "did:key:zQ3sh0OIl", code: .invalidMultibase),
            BadKey(input: "did:key:zQ3shqwJEJyMBsBXCWyCBpUBMqxcon9oHB7mCvx4sSpMdLJwc ", code: .invalidMultibase),
            BadKey(input: "did:key:z" + String(repeating: "2", count: 2000), code: .invalidMultibase),
            // ed25519 (multicodec 0xed): a valid did:key, not an atproto curve.
            BadKey(input: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", code: .unsupportedCurve),
            BadKey(input: "did:key:z" + Base58.encode([0x01, 0x02] + x), code: .unknownMulticodec),
            BadKey(input: "did:key:z" + Base58.encode([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), code: .unknownMulticodec),
            BadKey(input: "did:key:z" + Base58.encode([0xe7]), code: .unknownMulticodec),
            BadKey(input: "did:key:z" + Base58.encode(k256Prefix + [0x02] + x.dropLast()), code: .wrongLength),
            BadKey(input: "did:key:z" + Base58.encode(k256Prefix), code: .wrongLength),
            BadKey(input: "did:key:z" + Base58.encode(p256Prefix + [0x04] + x + x), code: .wrongLength),
            BadKey(input: "did:key:z" + Base58.encode(k256Prefix + [0x02] + x), code: .invalidPoint),
            BadKey(input: "did:key:z" + Base58.encode(p256Prefix + [0x03] + x), code: .invalidPoint),
            BadKey(input: "did:key:z" + Base58.encode(k256Prefix + [0x05] + x), code: .invalidPoint),
            BadKey(input: "did:key:z" + Base58.encode(p256Prefix + [0x00] + x), code: .invalidPoint),
        ]
    }

    @Test(arguments: badDIDKeys())
    func malformedDIDKeysAreRefusedWithTheirCode(_ bad: BadKey) {
        #expect(throws: ATCryptoError(bad.code, "")) { try PublicKey(didKey: bad.input) }
    }

    @Test func legacyKeysNeedAKnownTypeAndAValidPoint() throws {
        let key = try PublicKey(didKey: "did:key:zQ3shqwJEJyMBsBXCWyCBpUBMqxcon9oHB7mCvx4sSpMdLJwc")
        #expect(throws: ATCryptoError(.unsupportedCurve, "")) {
            try PublicKey(legacyMultibase: key.legacyMultibase, type: "Ed25519VerificationKey2020")
        }
        // A K-256 point read as P-256 is (almost surely) not on the curve; same bytes, wrong suite.
        #expect(throws: ATCryptoError(.invalidPoint, "")) {
            try PublicKey(legacyMultibase: key.legacyMultibase, type: "EcdsaSecp256r1VerificationKey2019")
        }
        #expect(throws: ATCryptoError(.wrongLength, "")) {
            try PublicKey(legacyMultibase: "z" + Base58.encode(key.uncompressed.dropLast()), type: "EcdsaSecp256k1VerificationKey2019")
        }
        // Hybrid encoding (06/07 ‖ x ‖ y), which libsecp256k1 would accept, is refused.
        var hybrid = key.uncompressed
        hybrid[0] = 0x06 | (key.compressed[0] & 1)
        #expect(throws: ATCryptoError(.invalidPoint, "")) { try PublicKey(curve: .k256, point: hybrid) }
    }

    @Test func errorCodesPrintInKebabCase() {
        #expect("\(ATCryptoError.Code.unknownMulticodec)" == "unknown-multicodec")
        #expect("\(ATCryptoError(.invalidPoint, "x"))" == "invalid-point: x")
        #expect("\(SignatureCheck.invalid(.highS))" == "invalid: high-s")
    }
}
