public import Crypto
import CSecp256k1
public import IPLD

extension PublicKey {
    /// Verifies an atproto signature (64-byte `r ‖ s`, low-S) over SHA-256 of `message`.
    ///
    /// See https://atproto.com/specs/cryptography and Docs/SPEC.md §10.
    public func verify(signature: [UInt8], message: [UInt8]) -> SignatureCheck {
        if let failure = SignatureFormat.failure(of: signature, curve: curve) { return .invalid(failure) }
        return signature.withUnsafeBufferPointer { verifyWellFormed(signature: $0, digest: SHA256Hasher.hash(message)) }
    }

    /// Verifies an atproto signature (64-byte `r ‖ s`, low-S) given the SHA-256 digest of the message,
    /// for callers that already hashed it (the digest is not hashed again).
    public func verify(signature: [UInt8], digest: SHA256Hash) -> SignatureCheck {
        signature.withUnsafeBufferPointer { verify(signature: $0, digest: digest) }
    }

    /// The same check over the signature's bytes where they lie (a commit block read in place), with no copy.
    public func verify(signature: ArraySlice<UInt8>, digest: SHA256Hash) -> SignatureCheck {
        signature.withUnsafeBufferPointer { verify(signature: $0, digest: digest) }
    }

    private func verify(signature: UnsafeBufferPointer<UInt8>, digest: SHA256Hash) -> SignatureCheck {
        if let failure = SignatureFormat.failure(of: signature, curve: curve) { return .invalid(failure) }
        return verifyWellFormed(signature: signature, digest: digest)
    }

    /// The same check given swift-crypto's digest of the message.
    public func verify(signature: [UInt8], digest: SHA256Digest) -> SignatureCheck {
        if let failure = SignatureFormat.failure(of: signature, curve: curve) { return .invalid(failure) }
        return signature.withUnsafeBufferPointer { verifyWellFormed(signature: $0, digest: digest.withUnsafeBytes { SHA256Hash(copying: $0) }) }
    }

    /// ECDSA verification proper, after the format rules passed.
    private func verifyWellFormed(signature: UnsafeBufferPointer<UInt8>, digest: SHA256Hash) -> SignatureCheck {
        switch storage {
        case .k256(var key):
            var parsed = secp256k1_ecdsa_signature()
            guard let compact = signature.baseAddress,
                  secp256k1_ecdsa_signature_parse_compact(breakwater_secp256k1_context_static(), &parsed, compact) == 1 else {
                return .invalid(.mismatch)
            }
            // libsecp256k1 also refuses high-S itself; the explicit check above names the reason.
            let result = digest.withUnsafeBytes { hash in
                secp256k1_ecdsa_verify(
                    breakwater_secp256k1_context_static(), &parsed, hash.baseAddress!.assumingMemoryBound(to: UInt8.self), &key)
            }
            return result == 1 ? .valid : .invalid(.mismatch)
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: Array(signature)) else {
                return .invalid(.mismatch)
            }
            // swift-crypto accepts high-S; the low-S rule was checked above.
            return key.isValidSignature(parsed, for: PrecomputedSHA256Digest(digest)) ? .valid : .invalid(.mismatch)
        }
    }
}
