public import Crypto
import CSecp256k1

/// A private signing key on one of the atproto curves, for synthetic traffic, tests and benchmarks.
///
/// Signing is deterministic and low-S on both curves: the same key and message always give the same
/// 64-byte `r ‖ s`. secp256k1 uses libsecp256k1 (RFC 6979 nonces, low-S by construction); P-256 uses
/// RFC 6979 nonces with HMAC-SHA256 and normalises s to n − s when s > n/2, because swift-crypto's
/// P-256 signing is randomized. The P-256 scalar arithmetic is not constant-time: do not hold
/// production secrets in this type.
public struct PrivateKey: Sendable {
    /// The curve of the key.
    public let curve: Curve
    /// The private scalar, 32 bytes big-endian, `1 ≤ d < n`.
    public let scalar: [UInt8]
    /// The matching public key.
    public let publicKey: PublicKey

    /// Creates a key from a 32-byte big-endian scalar; throws when it is zero or not below the order.
    public init(curve: Curve, scalar: [UInt8]) throws(ATCryptoError) {
        guard scalar.count == 32 else {
            throw ATCryptoError(.wrongLength, "a private scalar is 32 bytes, got \(scalar.count)")
        }
        let value = UInt256(bigEndian: scalar)
        guard !value.isZero, !value.isAtLeast(UInt256(bigEndian: curve.order)) else {
            throw ATCryptoError(.invalidPrivateKey, "the scalar is zero or not below the \(curve) order")
        }
        self.curve = curve
        self.scalar = scalar
        switch curve {
        case .k256:
            var key = secp256k1_pubkey()
            guard secp256k1_ec_pubkey_create(secp256k1SigningContext, &key, scalar) == 1 else {
                throw ATCryptoError(.invalidPrivateKey, "libsecp256k1 refused the scalar")
            }
            publicKey = PublicKey(k256: key)
        case .p256:
            do {
                publicKey = PublicKey(p256: try P256.Signing.PrivateKey(rawRepresentation: scalar).publicKey)
            } catch {
                throw ATCryptoError(.invalidPrivateKey, "swift-crypto refused the scalar")
            }
        }
    }

    /// Derives a key deterministically from any seed: the scalar is SHA-256(seed ‖ counter) for the
    /// first counter (a big-endian UInt32 from 0) that gives a valid scalar.
    public static func derive(curve: Curve, seed: [UInt8]) -> PrivateKey {
        var counter: UInt32 = 0
        while true {
            let input = seed + withUnsafeBytes(of: counter.bigEndian, Array.init)
            if let key = try? PrivateKey(curve: curve, scalar: Array(SHA256.hash(data: input))) { return key }
            counter &+= 1
        }
    }

    /// Signs SHA-256 of `message`: 64 bytes `r ‖ s`, low-S, deterministic.
    public func sign(message: [UInt8]) -> [UInt8] {
        sign(digest: SHA256.hash(data: message))
    }

    /// Signs an already-computed SHA-256 digest: 64 bytes `r ‖ s`, low-S, deterministic.
    public func sign(digest: SHA256Digest) -> [UInt8] {
        let hash = Array(digest)
        switch curve {
        case .k256: return signK256(hash)
        case .p256: return signP256(hash)
        }
    }

    private func signK256(_ hash: [UInt8]) -> [UInt8] {
        var signature = secp256k1_ecdsa_signature()
        // Null nonce function: libsecp256k1's default, RFC 6979. The output is always low-S.
        let signed = secp256k1_ecdsa_sign(secp256k1SigningContext, &signature, hash, scalar, nil, nil)
        precondition(signed == 1, "secp256k1_ecdsa_sign failed for a validated key")
        var output = [UInt8](repeating: 0, count: 64)
        _ = secp256k1_ecdsa_signature_serialize_compact(breakwater_secp256k1_context_static(), &output, &signature)
        return output
    }

    private func signP256(_ hash: [UInt8]) -> [UInt8] {
        let d = UInt256(bigEndian: scalar)
        let z = P256Order.reduce(UInt256(bigEndian: hash))
        var nonces = RFC6979Nonces(privateKey: scalar, digest: hash, order: P256Order.n)
        while true {
            let k = nonces.next()
            // R = k·G through swift-crypto's own scalar multiplication (the public key of scalar k).
            guard let point = try? P256.Signing.PrivateKey(rawRepresentation: k.bigEndianBytes).publicKey else {
                continue
            }
            let x = Array(point.x963Representation)[1..<33]
            let r = P256Order.reduce(UInt256(bigEndian: x))
            if r.isZero { continue }
            // s = k⁻¹ (z + r·d) mod n
            var s = P256Order.multiply(
                P256Order.inverse(k), P256Order.add(z, P256Order.multiply(r, d)))
            if s.isZero { continue }
            if !P256Order.halfN.isAtLeast(s) { s = P256Order.negate(s) }
            return r.bigEndianBytes + s.bigEndianBytes
        }
    }
}
