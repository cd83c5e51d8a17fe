/// The result of checking an atproto signature: valid, or invalid with a precise reason.
///
/// Verification failures are values, not errors.
/// The rules are those of https://atproto.com/specs/cryptography (Docs/SPEC.md §10): exactly 64 bytes
/// `r ‖ s`, `1 ≤ r, s < n`, `s ≤ n/2` (low-S) on both curves, then ECDSA over SHA-256 of the message.
public enum SignatureCheck: Hashable, Sendable, CustomStringConvertible {
    /// The signature is well-formed, low-S, and verifies for the key and message.
    case valid
    /// The signature is refused, for the given reason.
    case invalid(Failure)

    /// Whether the signature was accepted.
    public var isValid: Bool { self == .valid }

    /// The reason of an invalid signature, or nil when valid.
    public var failure: Failure? {
        if case .invalid(let failure) = self { return failure }
        return nil
    }

    public var description: String {
        switch self {
        case .valid: "valid"
        case .invalid(let failure): "invalid: \(failure)"
        }
    }

    /// Why a signature was refused. Its `description` is a stable kebab-case code (e.g. `high-s`).
    public enum Failure: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        /// Not exactly 64 bytes (DER-encoded signatures land here).
        case wrongLength = "wrong-length"
        /// r is zero.
        case rZero = "r-zero"
        /// s is zero.
        case sZero = "s-zero"
        /// r is not below the curve order n.
        case rTooLarge = "r-too-large"
        /// s is not below the curve order n.
        case sTooLarge = "s-too-large"
        /// s > n/2: a malleable high-S signature, refused in atproto even when mathematically valid.
        case highS = "high-s"
        /// Well-formed, but ECDSA verification fails for this key and message.
        case mismatch = "mismatch"

        public var description: String { rawValue }

        /// A one-line human explanation.
        public var explanation: String {
            switch self {
            case .wrongLength: "signature is not 64 bytes r||s (DER or truncated)"
            case .rZero: "r is zero"
            case .sZero: "s is zero"
            case .rTooLarge: "r is not below the curve order"
            case .sTooLarge: "s is not below the curve order"
            case .highS: "s is greater than n/2 (high-S signatures are refused)"
            case .mismatch: "the signature does not match the key and message"
            }
        }
    }
}
