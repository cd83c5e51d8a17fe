import Crypto
import CSecp256k1

/// A parsed public key on one of the atproto curves (Docs/SPEC.md §10).
///
/// Parsing validates the point once; verification then never re-parses it. Equality and hashing
/// use the curve and the compressed point. secp256k1 keys are handled by libsecp256k1, P-256 keys
/// by swift-crypto.
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The curve of the key.
    public let curve: Curve
    /// The 33-byte compressed point (`02`/`03` ‖ x).
    public let compressed: [UInt8]
    let storage: Storage

    enum Storage: Sendable {
        case k256(secp256k1_pubkey)
        case p256(P256.Signing.PublicKey)
    }

    /// Parses a point given as 33 compressed bytes (`02`/`03` ‖ x) or 65 uncompressed bytes
    /// (`04` ‖ x ‖ y). Hybrid (`06`/`07`) and other forms are refused.
    public init(curve: Curve, point: [UInt8]) throws(ATCryptoError) {
        switch point.count {
        case 33:
            guard point[0] == 0x02 || point[0] == 0x03 else {
                throw ATCryptoError(.invalidPoint, "compressed point starts with 0x\(hexByte(point[0])), expected 02 or 03")
            }
        case 65:
            guard point[0] == 0x04 else {
                throw ATCryptoError(.invalidPoint, "uncompressed point starts with 0x\(hexByte(point[0])), expected 04")
            }
        default:
            throw ATCryptoError(.wrongLength, "a \(curve) point is 33 or 65 bytes, got \(point.count)")
        }
        self.curve = curve
        switch curve {
        case .k256:
            var key = secp256k1_pubkey()
            let parsed = point.withUnsafeBufferPointer { buffer in
                secp256k1_ec_pubkey_parse(breakwater_secp256k1_context_static(), &key, buffer.baseAddress!, buffer.count)
            }
            guard parsed == 1 else { throw ATCryptoError(.invalidPoint, "not a point on secp256k1") }
            storage = .k256(key)
            compressed = Self.serialize(key, compressed: true)
        case .p256:
            let key: P256.Signing.PublicKey
            do {
                key = point.count == 33
                    ? try P256.Signing.PublicKey(compressedRepresentation: point)
                    : try P256.Signing.PublicKey(x963Representation: point)
            } catch {
                throw ATCryptoError(.invalidPoint, "not a point on P-256")
            }
            storage = .p256(key)
            compressed = [UInt8](key.compressedRepresentation)
        }
    }

    /// Wraps an already-validated secp256k1 key (from a private key).
    init(k256 key: secp256k1_pubkey) {
        curve = .k256
        storage = .k256(key)
        compressed = Self.serialize(key, compressed: true)
    }

    /// Wraps an already-validated P-256 key (from a private key).
    init(p256 key: P256.Signing.PublicKey) {
        curve = .p256
        storage = .p256(key)
        compressed = [UInt8](key.compressedRepresentation)
    }

    /// The 65-byte uncompressed point (`04` ‖ x ‖ y).
    public var uncompressed: [UInt8] {
        switch storage {
        case .k256(let key): Self.serialize(key, compressed: false)
        case .p256(let key): [UInt8](key.x963Representation)
        }
    }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.curve == rhs.curve && lhs.compressed == rhs.compressed
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(curve)
        hasher.combine(compressed)
    }

    public var description: String { didKey }

    private static func serialize(_ key: secp256k1_pubkey, compressed: Bool) -> [UInt8] {
        var key = key
        var output = [UInt8](repeating: 0, count: compressed ? 33 : 65)
        var length = output.count
        let flags = UInt32(compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED)
        _ = secp256k1_ec_pubkey_serialize(breakwater_secp256k1_context_static(), &output, &length, &key, flags)
        return output
    }
}

func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
}
