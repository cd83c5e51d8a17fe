/// A SHA-256 digest held inline (32 bytes in four words, in digest byte order), so producing one needs no heap
/// allocation.
public struct SHA256Hash: Hashable, Sendable {
    /// The digest bytes, in order, as four words loaded without byte swapping (memory order is digest order).
    var words: (UInt64, UInt64, UInt64, UInt64)

    /// The all-zero value, filled in by ``SHA256Hasher``.
    init() { words = (0, 0, 0, 0) }

    /// Calls `body` with the 32 digest bytes.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words) { try body($0) }
    }

    /// The 32 digest bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// The number of leading zero bits.
    public var leadingZeroBitCount: Int {
        withUnsafeBytes { digest in
            var zeros = 0
            for byte in digest {
                if byte != 0 { return zeros + byte.leadingZeroBitCount }
                zeros += 8
            }
            return zeros
        }
    }

    /// Compares the 32 bytes.
    public static func == (lhs: SHA256Hash, rhs: SHA256Hash) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    /// Hashes the 32 bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

extension SHA256Hash {
    /// Copies the first 32 bytes of a digest produced elsewhere (such as swift-crypto's); a shorter buffer's missing
    /// bytes are zero.
    public init(copying digest: UnsafeRawBufferPointer) {
        self.init()
        Swift.withUnsafeMutableBytes(of: &words) { out in
            out.copyMemory(from: UnsafeRawBufferPointer(rebasing: digest.prefix(32)))
        }
    }
}
