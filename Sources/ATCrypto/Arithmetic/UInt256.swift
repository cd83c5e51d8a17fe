/// A 256-bit unsigned integer as four 64-bit limbs, least significant first.
///
/// Just enough arithmetic for deterministic P-256 signing (``P256Order``); not constant-time.
struct UInt256: Hashable, Sendable {
    var limbs: SIMD4<UInt64>

    static let zero = UInt256(limbs: .zero)
    static let one = UInt256(limbs: SIMD4(1, 0, 0, 0))

    init(limbs: SIMD4<UInt64>) { self.limbs = limbs }

    /// Reads 32 big-endian bytes (the caller guarantees the count).
    init(bigEndian bytes: some Collection<UInt8>) {
        precondition(bytes.count == 32, "UInt256 needs 32 bytes")
        var limbs = SIMD4<UInt64>.zero
        for (index, byte) in bytes.enumerated() {
            let limb = 3 - index / 8
            limbs[limb] = limbs[limb] << 8 | UInt64(byte)
        }
        self.limbs = limbs
    }

    /// The value as 32 big-endian bytes.
    var bigEndianBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        for index in 0..<32 {
            let limb = limbs[3 - index / 8]
            out[index] = UInt8(truncatingIfNeeded: limb >> (UInt64(7 - index % 8) * 8))
        }
        return out
    }

    var isZero: Bool { limbs == .zero }

    /// Whether bit `index` (0 = least significant) is set.
    func bit(_ index: Int) -> Bool { (limbs[index / 64] >> UInt64(index % 64)) & 1 == 1 }

    /// `self + other`, with the carry out of the top limb.
    func adding(_ other: UInt256) -> (UInt256, carry: Bool) {
        var result = SIMD4<UInt64>.zero
        var carry: UInt64 = 0
        for index in 0..<4 {
            let (partial, overflow1) = limbs[index].addingReportingOverflow(other.limbs[index])
            let (sum, overflow2) = partial.addingReportingOverflow(carry)
            result[index] = sum
            carry = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
        }
        return (UInt256(limbs: result), carry != 0)
    }

    /// `self - other` modulo 2^256, with the borrow out of the top limb.
    func subtracting(_ other: UInt256) -> (UInt256, borrow: Bool) {
        var result = SIMD4<UInt64>.zero
        var borrow: UInt64 = 0
        for index in 0..<4 {
            let (partial, overflow1) = limbs[index].subtractingReportingOverflow(other.limbs[index])
            let (difference, overflow2) = partial.subtractingReportingOverflow(borrow)
            result[index] = difference
            borrow = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
        }
        return (UInt256(limbs: result), borrow != 0)
    }

    /// Whether `self ≥ other`.
    func isAtLeast(_ other: UInt256) -> Bool { !subtracting(other).borrow }
}
