import CLibCryptoSHA256

/// SHA-256 over a context on the stack: the one hash function of the verification path (CIDs of blocks, MST key
/// layers, commit signing digests). It calls the system libcrypto's low-level SHA-256, which selects SHA-NI or AVX2
/// at run time and, unlike swift-crypto's `SHA256`, allocates nothing per hash (Docs/ARCHITECTURE.md, "Decisions").
public struct SHA256Hasher {
    /// libcrypto's context: state, bit count and the partial block, 112 bytes held inline.
    private var context = SHA256_CTX()

    /// A hasher at the initial state.
    public init() {
        SHA256_Init(&context)
    }

    /// Hashes `buffer` in one call.
    @inline(__always)
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> SHA256Hash {
        var hasher = SHA256Hasher()
        hasher.update(buffer)
        return hasher.finalize()
    }

    /// Hashes `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> SHA256Hash {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// Adds `buffer` to the message.
    @inline(__always)
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        SHA256_Update(&context, base, buffer.count)
    }

    /// Adds one byte to the message.
    public mutating func update(byte: UInt8) {
        Swift.withUnsafeBytes(of: byte) { update($0) }
    }

    /// The digest of everything added; the hasher must not be used afterwards.
    public mutating func finalize() -> SHA256Hash {
        var digest = SHA256Hash()
        Swift.withUnsafeMutableBytes(of: &digest.words) { out in
            _ = SHA256_Final(out.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
        }
        return digest
    }
}
