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
    /// The longest message ``hashShort(_:)`` hashes with one call of the block function: 64 bytes less the `80`
    /// padding byte and the 8-byte length.
    public static let shortMessageLimit = 55

    /// Hashes `buffer` as ``hash(_:)`` does; a message of at most ``shortMessageLimit`` bytes (an MST key, say) is
    /// padded on the stack and compressed by one call of libcrypto's block function, without the context
    /// bookkeeping of init, update and final.
    public static func hashShort(_ buffer: UnsafeRawBufferPointer) -> SHA256Hash {
        guard buffer.count <= shortMessageLimit else { return hash(buffer) }
        var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &block) { out in
            if let source = buffer.baseAddress, !buffer.isEmpty { out.baseAddress!.copyMemory(from: source, byteCount: buffer.count) }
            out[buffer.count] = 0x80
            out.storeBytes(of: UInt64(buffer.count * 8).bigEndian, toByteOffset: 56, as: UInt64.self)
        }
        var context = SHA256_CTX()
        context.h = (0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
        Swift.withUnsafeBytes(of: &block) { data in
            SHA256_Transform(&context, data.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        // The state words are the digest's big-endian words.
        let h = context.h
        var digest = SHA256Hash()
        Swift.withUnsafeMutableBytes(of: &digest.words) { out in
            out.storeBytes(of: h.0.bigEndian, toByteOffset: 0, as: UInt32.self)
            out.storeBytes(of: h.1.bigEndian, toByteOffset: 4, as: UInt32.self)
            out.storeBytes(of: h.2.bigEndian, toByteOffset: 8, as: UInt32.self)
            out.storeBytes(of: h.3.bigEndian, toByteOffset: 12, as: UInt32.self)
            out.storeBytes(of: h.4.bigEndian, toByteOffset: 16, as: UInt32.self)
            out.storeBytes(of: h.5.bigEndian, toByteOffset: 20, as: UInt32.self)
            out.storeBytes(of: h.6.bigEndian, toByteOffset: 24, as: UInt32.self)
            out.storeBytes(of: h.7.bigEndian, toByteOffset: 28, as: UInt32.self)
        }
        return digest
    }
}
