/// Arithmetic modulo n, the order of the P-256 group, in Montgomery form (R = 2^256).
///
/// Used only by deterministic P-256 signing (``PrivateKey``): `s = k⁻¹ (z + r·d) mod n`.
/// Not constant-time: keys signed with it are test and synthetic-traffic keys.
enum P256Order {
    /// n = FFFFFFFF00000000 FFFFFFFFFFFFFFFF BCE6FAADA7179E84 F3B9CAC2FC632551.
    static let n = UInt256(bigEndian: CurveConstants.p256Order)
    /// floor(n / 2).
    static let halfN = UInt256(bigEndian: CurveConstants.p256HalfOrder)
    /// −n⁻¹ mod 2^64 (Newton iteration on the lowest limb).
    static let nPrime: UInt64 = {
        let n0 = n.limbs[0]
        var inverse: UInt64 = 1
        for _ in 0..<6 { inverse = inverse &* (2 &- n0 &* inverse) }
        return 0 &- inverse
    }()
    /// R² mod n, by doubling 1 modulo n 512 times.
    static let rSquared: UInt256 = {
        var value = UInt256.one
        for _ in 0..<512 { value = add(value, value) }
        return value
    }()

    /// Reduces a value below 2^256 modulo n (2^256 < 2n, so one subtraction suffices).
    static func reduce(_ value: UInt256) -> UInt256 {
        let (difference, borrow) = value.subtracting(n)
        return borrow ? value : difference
    }

    /// `(a + b) mod n` for `a, b < n` (also valid on Montgomery forms).
    static func add(_ a: UInt256, _ b: UInt256) -> UInt256 {
        let (sum, carry) = a.adding(b)
        if carry || sum.isAtLeast(n) { return sum.subtracting(n).0 }
        return sum
    }

    /// `n − a` for `0 < a < n`.
    static func negate(_ a: UInt256) -> UInt256 { n.subtracting(a).0 }

    /// Montgomery product `a · b · R⁻¹ mod n` (CIOS), for `a, b < n`.
    static func montgomeryMultiply(_ a: UInt256, _ b: UInt256) -> UInt256 {
        var t = SIMD8<UInt64>.zero  // t[0...5] used
        for i in 0..<4 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                (carry, t[j]) = multiplyAdd(a.limbs[j], b.limbs[i], t[j], carry)
            }
            let (t4, overflow) = t[4].addingReportingOverflow(carry)
            t[4] = t4
            t[5] = overflow ? 1 : 0

            let m = t[0] &* nPrime
            (carry, _) = multiplyAdd(m, n.limbs[0], t[0], 0)
            for j in 1..<4 {
                (carry, t[j - 1]) = multiplyAdd(m, n.limbs[j], t[j], carry)
            }
            let (t3, overflow3) = t[4].addingReportingOverflow(carry)
            t[3] = t3
            t[4] = t[5] &+ (overflow3 ? 1 : 0)
            t[5] = 0
        }
        let result = UInt256(limbs: SIMD4(t[0], t[1], t[2], t[3]))
        if t[4] != 0 || result.isAtLeast(n) { return result.subtracting(n).0 }
        return result
    }

    /// `a · b mod n` for ordinary (non-Montgomery) `a, b < n`.
    static func multiply(_ a: UInt256, _ b: UInt256) -> UInt256 {
        montgomeryMultiply(montgomeryMultiply(a, b), rSquared)
    }

    /// `a⁻¹ mod n` for ordinary `0 < a < n`, by Fermat: a^(n−2).
    static func inverse(_ a: UInt256) -> UInt256 {
        let exponent = n.subtracting(UInt256(limbs: SIMD4(2, 0, 0, 0))).0
        let base = montgomeryMultiply(a, rSquared)  // a·R
        var result = montgomeryMultiply(UInt256.one, rSquared)  // 1·R
        for index in stride(from: 255, through: 0, by: -1) {
            result = montgomeryMultiply(result, result)
            if exponent.bit(index) { result = montgomeryMultiply(result, base) }
        }
        return montgomeryMultiply(result, UInt256.one)  // leave Montgomery form
    }

    /// `a · b + c + d` as (high, low) 64-bit words; cannot overflow 128 bits.
    @inline(__always)
    private static func multiplyAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> (UInt64, UInt64) {
        var (high, low) = a.multipliedFullWidth(by: b)
        var overflow: Bool
        (low, overflow) = low.addingReportingOverflow(c)
        if overflow { high &+= 1 }
        (low, overflow) = low.addingReportingOverflow(d)
        if overflow { high &+= 1 }
        return (high, low)
    }
}
