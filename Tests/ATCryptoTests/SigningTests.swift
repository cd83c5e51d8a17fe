@testable import ATCrypto
import Crypto
import Foundation
import Testing

/// Deterministic low-S signing on both curves, checked against published RFC 6979 answers, the
/// module's own verifier, and (for P-256) swift-crypto's independent verifier.
@Suite struct SigningTests {
    /// RFC 6979 A.2.5 (P-256, SHA-256) and the widely used secp256k1 RFC 6979 vector (key 1).
    struct KnownAnswer: Sendable, CustomTestStringConvertible {
        let curve: Curve
        let scalar: String
        let message: String
        let r: String
        let s: String  // as published; may be high-S, the signer must return min(s, n − s)
        var testDescription: String { "\(curve) \"\(message)\"" }
    }

    static let knownAnswers: [KnownAnswer] = [
        KnownAnswer(curve: .p256, scalar: "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", message: "sample",
                    r: "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
                    s: "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"),
        KnownAnswer(curve: .p256, scalar: "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", message: "test",
                    r: "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
                    s: "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"),
        KnownAnswer(curve: .k256, scalar: "0000000000000000000000000000000000000000000000000000000000000001", message: "Satoshi Nakamoto",
                    r: "934B1EA10A4B3C1757E2B0C017D0B6143CE3C9A7E6A4A49860D7A6AB210EE3D8",
                    s: "2442CE9D2B916064108014783E923EC36B49743E2FFA1C4496F01A512AAFD9E5"),
    ]

    @Test(arguments: knownAnswers)
    func signingMatchesRFC6979KnownAnswersNormalisedToLowS(_ answer: KnownAnswer) throws {
        let key = try PrivateKey(curve: answer.curve, scalar: TestSupport.bytes(answer.scalar))
        let signature = key.sign(message: Array(answer.message.utf8))
        let order = UInt256(bigEndian: answer.curve.order)
        var s = UInt256(bigEndian: TestSupport.bytes(answer.s))
        if !UInt256(bigEndian: answer.curve.halfOrder).isAtLeast(s) { s = order.subtracting(s).0 }
        #expect(TestSupport.hex(signature[0..<32]) == answer.r.lowercased())
        #expect(Array(signature[32..<64]) == s.bigEndianBytes)
        #expect(key.publicKey.verify(signature: signature, message: Array(answer.message.utf8)) == .valid)
    }

    static func seeds() -> [UInt64] { Array(1...40) }

    @Test(arguments: Curve.allCases, seeds())
    func signaturesRoundTripAndAreLowS(_ curve: Curve, _ seed: UInt64) throws {
        var random = SeededGenerator(seed: seed &* 7919 &+ (curve == .p256 ? 1 : 2))
        let key = PrivateKey.derive(curve: curve, seed: random.bytes(32))
        for _ in 0..<5 {
            let message = random.bytes(Int.random(in: 0...300, using: &random))
            let signature = key.sign(message: message)
            #expect(signature.count == 64)
            #expect(TestSupport.isLowS(signature, halfOrder: curve.halfOrder))
            #expect(key.publicKey.verify(signature: signature, message: message) == .valid)
            if curve == .p256 {
                // Independent check with swift-crypto's own ECDSA verifier.
                let independent = try P256.Signing.PublicKey(compressedRepresentation: key.publicKey.compressed)
                let parsed = try P256.Signing.ECDSASignature(rawRepresentation: signature)
                #expect(independent.isValidSignature(parsed, for: SHA256.hash(data: message)))
            }
        }
    }

    @Test(arguments: Curve.allCases)
    func signingIsDeterministic(_ curve: Curve) throws {
        var random = SeededGenerator(seed: 42)
        for _ in 0..<20 {
            let scalar = PrivateKey.derive(curve: curve, seed: random.bytes(16)).scalar
            let message = random.bytes(100)
            let first = try PrivateKey(curve: curve, scalar: scalar).sign(message: message)
            let second = try PrivateKey(curve: curve, scalar: scalar).sign(message: message)
            #expect(first == second)
            #expect(try PrivateKey(curve: curve, scalar: scalar).sign(digest: SHA256.hash(data: message)) == first)
        }
    }

    @Test(arguments: Curve.allCases)
    func tamperedMessagesAndSignaturesAreRefused(_ curve: Curve) {
        var random = SeededGenerator(seed: 7)
        for round in 0..<20 {
            let key = PrivateKey.derive(curve: curve, seed: random.bytes(32))
            let message = random.bytes(64)
            let signature = key.sign(message: message)
            var tamperedMessage = message
            tamperedMessage[round % message.count] ^= 0x01
            #expect(key.publicKey.verify(signature: signature, message: tamperedMessage) == .invalid(.mismatch))
            var tamperedSignature = signature
            tamperedSignature[(round * 7) % 64] ^= 0x10
            #expect(key.publicKey.verify(signature: tamperedSignature, message: message) != .valid)
            let otherKey = PrivateKey.derive(curve: curve, seed: random.bytes(32))
            #expect(otherKey.publicKey.verify(signature: signature, message: message) == .invalid(.mismatch))
            // The high-S twin of a valid signature is refused with its own reason.
            let order = UInt256(bigEndian: curve.order)
            let highS = order.subtracting(UInt256(bigEndian: signature[32..<64])).0
            #expect(key.publicKey.verify(signature: Array(signature[0..<32]) + highS.bigEndianBytes, message: message)
                    == .invalid(.highS))
        }
    }

    @Test(arguments: Curve.allCases)
    func malformedSignaturesGetPreciseReasons(_ curve: Curve) {
        let key = PrivateKey.derive(curve: curve, seed: [1, 2, 3])
        let message: [UInt8] = [0xa1, 0x65]
        let good = key.sign(message: message)
        let r = Array(good[0..<32]), s = Array(good[32..<64])
        let zero = [UInt8](repeating: 0, count: 32)
        let order = curve.order
        let cases: [([UInt8], SignatureCheck.Failure)] = [
            ([], .wrongLength),
            (Array(good[0..<63]), .wrongLength),
            (good + [0], .wrongLength),
            (zero + s, .rZero),
            (r + zero, .sZero),
            (order + s, .rTooLarge),
            ([UInt8](repeating: 0xff, count: 32) + s, .rTooLarge),
            (r + order, .sTooLarge),
            (r + [UInt8](repeating: 0xff, count: 32), .sTooLarge),
            (r + UInt256(bigEndian: curve.halfOrder).adding(.one).0.bigEndianBytes, .highS),
        ]
        for (signature, reason) in cases {
            #expect(key.publicKey.verify(signature: signature, message: message) == .invalid(reason))
        }
        // s = n/2 exactly is low-S: the format passes, the math fails.
        #expect(key.publicKey.verify(signature: r + curve.halfOrder, message: message) == .invalid(.mismatch))
    }

    @Test func p256OrderArithmeticInvertsAndMultiplies() {
        var random = SeededGenerator(seed: 99)
        for _ in 0..<200 {
            let a = P256Order.reduce(UInt256(bigEndian: random.bytes(32)))
            guard !a.isZero else { continue }
            let b = P256Order.reduce(UInt256(bigEndian: random.bytes(32)))
            #expect(P256Order.multiply(a, P256Order.inverse(a)) == .one)
            // (a·b)·a⁻¹ = b
            #expect(P256Order.multiply(P256Order.multiply(a, b), P256Order.inverse(a)) == b)
            // a + (n − a) = 0
            #expect(P256Order.add(a, P256Order.negate(a)) == .zero)
        }
        // (n − 1)² = 1 mod n
        let minusOne = P256Order.n.subtracting(.one).0
        #expect(P256Order.multiply(minusOne, minusOne) == .one)
    }

    @Test(arguments: Curve.allCases)
    func invalidScalarsAreRefused(_ curve: Curve) {
        #expect(throws: ATCryptoError(.invalidPrivateKey, "")) { try PrivateKey(curve: curve, scalar: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: ATCryptoError(.invalidPrivateKey, "")) { try PrivateKey(curve: curve, scalar: curve.order) }
        #expect(throws: ATCryptoError(.invalidPrivateKey, "")) { try PrivateKey(curve: curve, scalar: [UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: ATCryptoError(.wrongLength, "")) { try PrivateKey(curve: curve, scalar: [1]) }
        let maxScalar = UInt256(bigEndian: curve.order).subtracting(.one).0.bigEndianBytes
        #expect((try? PrivateKey(curve: curve, scalar: maxScalar)) != nil)
    }
}
