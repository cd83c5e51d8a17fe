import ATCrypto
import Foundation
import FirehoseTesting
import IPLD
import Testing

/// `interop/crypto/w3c_didkey_K256.json` and `w3c_didkey_P256.json` (vectors README §2.5).
@Suite struct DIDKeyVectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let file: String
        let curve: Curve
        let scalar: [UInt8]
        let didKey: String
        var testDescription: String { "\(curve) \(didKey)" }
    }

    static let k256File = "interop/crypto/w3c_didkey_K256.json"
    static let p256File = "interop/crypto/w3c_didkey_P256.json"

    static func vectors() -> [Vector] {
        let k256 = TestSupport.objects(k256File).map { object in
            Vector(file: k256File, curve: .k256,
                   scalar: Vectors.hex(object["privateKeyBytesHex"] as? String ?? "") ?? [],
                   didKey: object["publicDidKey"] as? String ?? "")
        }
        let p256 = TestSupport.objects(p256File).map { object in
            Vector(file: p256File, curve: .p256,
                   scalar: Base58.decode(object["privateKeyBytesBase58"] as? String ?? "") ?? [],
                   didKey: object["publicDidKey"] as? String ?? "")
        }
        return k256 + p256
    }

    @Test func everyVectorIsLoaded() {
        let all = Self.vectors()
        let k256 = all.filter { $0.file == Self.k256File }.count
        let p256 = all.filter { $0.file == Self.p256File }.count
        print("vectors: \(Self.k256File): \(k256) cases")
        print("vectors: \(Self.p256File): \(p256) cases")
        #expect(k256 == 5)
        #expect(p256 == 1)
    }

    @Test(arguments: vectors())
    func privateScalarDerivesTheListedDIDKey(_ vector: Vector) throws {
        let privateKey = try PrivateKey(curve: vector.curve, scalar: vector.scalar)
        #expect(privateKey.publicKey.didKey == vector.didKey)
    }

    @Test(arguments: vectors())
    func didKeyParsesToTheDerivedPointAndReencodesIdentically(_ vector: Vector) throws {
        let privateKey = try PrivateKey(curve: vector.curve, scalar: vector.scalar)
        let parsed = try PublicKey(didKey: vector.didKey)
        #expect(parsed.curve == vector.curve)
        #expect(parsed == privateKey.publicKey)
        #expect(parsed.uncompressed == privateKey.publicKey.uncompressed)
        #expect(parsed.didKey == vector.didKey)
        // Uncompressed and compressed points name the same key.
        #expect(try PublicKey(curve: vector.curve, point: parsed.uncompressed) == parsed)
        #expect(try PublicKey(curve: vector.curve, point: parsed.compressed) == parsed)
        #expect(try PublicKey(legacyMultibase: parsed.legacyMultibase, type: vector.curve.legacyVerificationMethodType) == parsed)
    }

    @Test(arguments: vectors())
    func didKeyPrefixMatchesTheCurve(_ vector: Vector) {
        #expect(vector.didKey.hasPrefix(vector.curve == .p256 ? "did:key:zDn" : "did:key:zQ3s"))
    }
}
