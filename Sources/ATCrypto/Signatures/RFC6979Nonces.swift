import Crypto

/// Deterministic ECDSA nonces (RFC 6979 §3.2) with HMAC-SHA256, for a 256-bit group order.
///
/// https://www.rfc-editor.org/rfc/rfc6979#section-3.2 — qlen = hlen = 256, so `bits2int` is the
/// identity on 32 bytes and `bits2octets(h) = int2octets(h mod q)`.
struct RFC6979Nonces {
    private var k: SymmetricKey
    private var v: [UInt8]
    private let order: UInt256
    private var started = false

    /// Prepares the generator for a private scalar and a message digest (both 32 bytes big-endian).
    init(privateKey: [UInt8], digest: [UInt8], order: UInt256) {
        self.order = order
        let reducedDigest = Self.reduce(UInt256(bigEndian: digest), order).bigEndianBytes
        v = [UInt8](repeating: 0x01, count: 32)
        k = SymmetricKey(data: [UInt8](repeating: 0x00, count: 32))
        k = Self.mac(k, v + [0x00] + privateKey + reducedDigest)  // step d
        v = Self.mac(v, key: k)  // step e
        k = Self.mac(k, v + [0x01] + privateKey + reducedDigest)  // step f
        v = Self.mac(v, key: k)  // step g
    }

    /// The next candidate nonce with `1 ≤ k < q` (step h; later calls continue as RFC 6979 requires
    /// when a candidate gives r = 0 or s = 0).
    mutating func next() -> UInt256 {
        if started {
            k = Self.mac(k, v + [0x00])
            v = Self.mac(v, key: k)
        }
        started = true
        while true {
            v = Self.mac(v, key: k)
            let candidate = UInt256(bigEndian: v)
            if !candidate.isZero && !candidate.isAtLeast(order) { return candidate }
            k = Self.mac(k, v + [0x00])
            v = Self.mac(v, key: k)
        }
    }

    private static func reduce(_ value: UInt256, _ order: UInt256) -> UInt256 {
        let (difference, borrow) = value.subtracting(order)
        return borrow ? value : difference
    }

    /// HMAC-SHA256 used to derive the next K.
    private static func mac(_ key: SymmetricKey, _ data: [UInt8]) -> SymmetricKey {
        SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: data, using: key)))
    }

    /// HMAC-SHA256 used to derive the next V.
    private static func mac(_ data: [UInt8], key: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
    }
}
