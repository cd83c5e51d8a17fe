/// The format rules every atproto signature must pass before ECDSA runs (Docs/SPEC.md §10).
enum SignatureFormat {
    /// The length of a compact `r ‖ s` signature.
    static let length = 64

    /// Checks length, `1 ≤ r < n`, `1 ≤ s < n` and `s ≤ n/2`; nil when the format is acceptable.
    static func failure(of signature: [UInt8], curve: Curve) -> SignatureCheck.Failure? {
        signature.withUnsafeBufferPointer { failure(of: $0, curve: curve) }
    }

    /// The same checks over the signature's bytes in place.
    static func failure(of sig: UnsafeBufferPointer<UInt8>, curve: Curve) -> SignatureCheck.Failure? {
        guard sig.count == length else { return .wrongLength }
        let order = curve.order
        let r = UnsafeBufferPointer(rebasing: sig[0..<32])
        let s = UnsafeBufferPointer(rebasing: sig[32..<64])
        if isZero(r) { return .rZero }
        if compare(r, order) >= 0 { return .rTooLarge }
        if isZero(s) { return .sZero }
        if compare(s, order) >= 0 { return .sTooLarge }
        if compare(s, curve.halfOrder) > 0 { return .highS }
        return nil
    }

    static func isZero(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        value.allSatisfy { $0 == 0 }
    }

    /// Compares two 32-byte big-endian integers: negative, zero or positive.
    static func compare(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: [UInt8]) -> Int {
        for index in 0..<32 where lhs[index] != rhs[index] {
            return lhs[index] < rhs[index] ? -1 : 1
        }
        return 0
    }
}
